import { CommandArgumentError, type CommandContext, type SlashCommand } from "./command.ts";
import { charCommand } from "./charCommand.ts";
import { branchCommand } from "./branchCommand.ts";
import { continueCommand } from "./continueCommand.ts";
import { exportCommand } from "./exportCommand.ts";
import { helpCommand } from "./helpCommand.ts";
import { impersonateCommand } from "./impersonateCommand.ts";
import { personaCommand } from "./personaCommand.ts";
import { noteCommand } from "./noteCommand.ts";
import { loreCommand } from "./loreCommand.ts";
import { presetCommand } from "./presetCommand.ts";
import { modelCommand } from "./modelCommand.ts";
import { samplerCommands } from "./samplerCommands.ts";
import { swipeCommand } from "./swipeCommand.ts";
import { instructCommand } from "./instructCommand.ts";
import { namesCommand } from "./namesCommand.ts";
import { speakCommand } from "./speakCommand.ts";
import { summarizeCommand } from "./summarizeCommand.ts";
import { summaryCommand } from "./summaryCommand.ts";
import { scriptsCommand } from "./scriptsCommand.ts";

export const slashCommands: SlashCommand[] = [...samplerCommands, swipeCommand, continueCommand, impersonateCommand, speakCommand, personaCommand, noteCommand, presetCommand, charCommand, loreCommand, instructCommand, namesCommand, summarizeCommand, summaryCommand, scriptsCommand, branchCommand, exportCommand, modelCommand, helpCommand];

/** Completions for a partly typed "/na" (full "/name " strings), or of its arguments where the command completes them. */
export function completeCommand(line: string, commands = slashCommands, ctx?: CommandContext): string[] {
  if (!line.startsWith("/")) return [];
  const space = line.indexOf(" ");
  if (space === -1) return commands.filter((c) => c.name.startsWith(line.slice(1))).map((c) => `/${c.name} `);
  const command = commands.find((c) => c.name === line.slice(1, space));
  if (!command?.complete || !ctx) return [];
  return command.complete(line.slice(space + 1), ctx).map((args) => `/${command.name} ${args}`);
}

/** The longest start all the strings share. */
export function commonPrefix(options: string[]): string {
  if (options.length === 0) return "";
  let prefix = options[0] ?? "";
  for (const o of options) while (!o.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Runs a "/name args" line; a bad command or argument is reported through notify. */
export function runSlashCommand(line: string, ctx: CommandContext, commands = slashCommands): void {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  const command = match ? commands.find((c) => c.name === match[1]) : undefined;
  if (!match || !command) {
    ctx.notify(`Unknown command ${line.trim().split(/\s/)[0]}. Type /help.`);
    return;
  }
  try {
    command.action(match[2] ?? "", ctx);
  } catch (error) {
    if (error instanceof CommandArgumentError) ctx.notify(error.message);
    else throw error;
  }
}
