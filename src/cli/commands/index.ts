import type { CliCommand } from "../command.ts";
import { loreCommand } from "./loreCommand.ts";

/** Every subcommand, in the order `taproom --help` lists them. */
export const commands: CliCommand[] = [loreCommand];
