import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import type { ChatExportFormat, ChatsService } from "../../app/chats/chats.ts";
import { displayLine, displayText } from "../../core/text/sanitize.ts";
import { plural } from "../../core/units/format.ts";
import { chatsHelp } from "./help.ts";

function chatsOf(io: CliIO): ChatsService {
  return createApp({ env: io.env, cwd: io.cwd }).chats;
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const chats = await chatsOf(io).list();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(chats, null, 2)}\n`);
    return 0;
  }
  if (chats.length === 0) {
    io.stdout.write("No saved chats.\n");
    return 0;
  }
  for (const c of chats) {
    const line = `${c.id}  ${c.title}  (${c.characterName}, ${plural(c.messageCount, "message")}, ${c.updatedAt.slice(0, 16).replace("T", " ")})`;
    io.stdout.write(`${displayLine(line)}\n`);
  }
  return 0;
}

async function importCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { character: { type: "string" }, title: { type: "string" } });
  const [file, ...more] = positionals;
  if (!file || more.length > 0) throw new UsageError("import takes one FILE.jsonl");
  const chat = await chatsOf(io).import(file, {
    ...(values.character !== undefined && { character: values.character }),
    ...(values.title !== undefined && { title: values.title }),
  });
  io.stdout.write(displayText(chat.alreadyImported
    ? `Already imported as "${chat.title}" (${chat.id}), unchanged\n`
    : `Imported "${chat.title}" (${plural(chat.messages.length, "message", "messages")} with ${chat.characterName}) as ${chat.id}\n`));
  return 0;
}

async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: "string" }, out: { type: "string" } });
  const [name, ...more] = positionals;
  if (!name || more.length > 0) throw new UsageError("export takes one chat NAME");
  const format = values.format ?? "jsonl";
  if (format !== "jsonl" && format !== "json") throw new UsageError(`--format must be jsonl or json, got "${format}"`);
  if (!values.out) throw new UsageError("export needs --out FILE");
  const { chat, out } = await chatsOf(io).export(name, format as ChatExportFormat, values.out);
  io.stdout.write(displayText(`Exported "${chat.title}" (${plural(chat.messages.length, "message")}) to ${out}\n`));
  return 0;
}

async function deleteCommand(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const [name, ...more] = positionals;
  if (!name || more.length > 0) throw new UsageError("delete takes one chat NAME");
  const { entry, trash } = await chatsOf(io).remove(name);
  io.stdout.write(displayText(`Moved "${entry.title}" to ${trash}\n`));
  return 0;
}

async function renameCommand(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const [name, title, ...more] = positionals;
  if (!name || title === undefined || more.length > 0) throw new UsageError("rename takes a chat NAME and a TITLE");
  const chat = await chatsOf(io).rename(name, title);
  io.stdout.write(displayText(`Renamed ${chat.id} to "${chat.title}"\n`));
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  list,
  import: importCommand,
  export: exportCommand,
  delete: deleteCommand,
  rename: renameCommand,
};

export const chatsCommand: CliCommand = {
  ...chatsHelp,
  run: (argv, io) => runSubcommand("chats", subcommands, argv, io, list),
};
