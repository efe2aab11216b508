import type { CliCommand } from "../command.ts";
import { fitCommand } from "./fitCommand.ts";
import { modelsCommand } from "./modelsCommand.ts";
import { pullCommand } from "./pullCommand.ts";

/** Every subcommand, in the order `taproom --help` lists them. */
export const commands: CliCommand[] = [modelsCommand, fitCommand, pullCommand];
