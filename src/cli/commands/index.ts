import type { CliCommand } from "../command.ts";
import { cardCommand } from "./cardCommand.ts";

/** Every subcommand, in the order `taproom --help` lists them. */
export const commands: CliCommand[] = [cardCommand];
