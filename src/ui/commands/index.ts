import { CommandArgumentError, type CommandContext, type SlashCommand } from "./command.ts";
import { branchCommand } from "./branchCommand.ts";
import { continueCommand } from "./continueCommand.ts";
import { exportCommand } from "./exportCommand.ts";
import { helpCommand } from "./helpCommand.ts";
import { impersonateCommand } from "./impersonateCommand.ts";
import { personaCommand } from "./personaCommand.ts";
import { noteCommand } from "./noteCommand.ts";
import { presetCommand } from "./presetCommand.ts";
import { minpCommand } from "./minpCommand.ts";
import { reppenCommand } from "./reppenCommand.ts";
import { swipeCommand } from "./swipeCommand.ts";
import { tempCommand } from "./tempCommand.ts";
import { topkCommand } from "./topkCommand.ts";
import { toppCommand } from "./toppCommand.ts";

export const slashCommands: SlashCommand[] = [tempCommand, minpCommand, toppCommand, topkCommand, reppenCommand, swipeCommand, continueCommand, impersonateCommand, personaCommand, noteCommand, presetCommand, branchCommand, exportCommand, helpCommand];

/**
 * Completions for a partly typed line: "/na" gives full "/name " strings; "/preset he"
 * gives "/preset Name" for each argument value that starts so (case-insensitively).
 */
export function completeCommand(line: string, commands = slashCommands, ctx?: CommandContext): string[] {
  if (!line.startsWith("/")) return [];
  const space = line.indexOf(" ");
  if (space < 0) return commands.filter((c) => c.name.startsWith(line.slice(1))).map((c) => `/${c.name} `);
  const command = commands.find((c) => c.name === line.slice(1, space));
  if (!command?.argumentValues || !ctx) return [];
  const typed = line.slice(space + 1).trimStart().toLowerCase();
  return command
    .argumentValues(ctx)
    .filter((value) => value.toLowerCase().startsWith(typed))
    .map((value) => `/${command.name} ${value}`);
}

/** The longest start all completions share, so Tab extends as far as it is unambiguous. */
export function commonPrefix(values: string[]): string {
  if (values.length === 0) return "";
  let prefix = values[0]!;
  for (const v of values) while (!v.startsWith(prefix)) prefix = prefix.slice(0, -1);
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
