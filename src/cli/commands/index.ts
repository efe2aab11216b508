import type { CliCommand } from "../command.ts";

/** Every subcommand, in the order `taproom --help` lists them. */
export const commands: CliCommand[] = [];
