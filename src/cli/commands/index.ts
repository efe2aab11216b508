import type { CliCommand } from "../command.ts";
import { tuiCommand } from "./tuiCommand.ts";
import { chatCommand } from "./chatCommand.ts";
import { promptCommand } from "./promptCommand.ts";
import { cardCommand } from "./cardCommand.ts";
import { chatsCommand } from "./chatsCommand.ts";
import { groupCommand } from "./groupCommand.ts";
import { presetCommand } from "./presetCommand.ts";
import { personaCommand } from "./personaCommand.ts";
import { loreCommand } from "./loreCommand.ts";
import { fitCommand } from "./fitCommand.ts";
import { planCommand } from "./planCommand.ts";
import { modelsCommand } from "./modelsCommand.ts";
import { pullCommand } from "./pullCommand.ts";

/** Every subcommand, in the order `taproom --help` lists them. */
export const commands: CliCommand[] = [
  tuiCommand,
  chatCommand,
  promptCommand,
  cardCommand,
  chatsCommand,
  groupCommand,
  presetCommand,
  personaCommand,
  loreCommand,
  fitCommand,
  planCommand,
  modelsCommand,
  pullCommand,
];
