import type { CliCommand } from "../command.ts";
import { tuiCommand } from "./tuiCommand.ts";

/** Every subcommand, in the order `taproom --help` lists them. */
export const commands: CliCommand[] = [tuiCommand];
