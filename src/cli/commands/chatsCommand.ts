import { resolve } from "node:path";
import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { dataDir, dataPaths } from "../../store/paths.ts";
import { ChatStore } from "../../store/chats/chatStore.ts";
import { exportChat, importChatJsonl, type ChatExportFormat } from "../../store/chats/chatTransfer.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { chatsHelp } from "./help.ts";

async function openStore(io: CliIO): Promise<ChatStore> {
  return ChatStore.open({ dir: dataPaths(dataDir(io.env)).chats });
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const chats = (await openStore(io)).list();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(chats, null, 2)}\n`);
    return 0;
  }
  if (chats.length === 0) {
    io.stdout.write("No saved chats.\n");
    return 0;
  }
  for (const c of chats) {
    const line = `${c.id}  ${c.title}  (${c.characterName}, ${c.messageCount} messages, ${c.updatedAt.slice(0, 16).replace("T", " ")})`;
    io.stdout.write(`${displayText(line)}\n`);
  }
  return 0;
}

async function importCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { character: { type: "string" }, title: { type: "string" } });
  const [file, ...more] = positionals;
  if (!file || more.length > 0) throw new UsageError("import takes one FILE.jsonl");
  const chat = await importChatJsonl({
    store: await openStore(io),
    file: resolve(io.cwd, file),
    ...(values.character !== undefined && { characterName: values.character }),
    ...(values.title !== undefined && { title: values.title }),
  });
  io.stdout.write(displayText(`Imported "${chat.title}" (${chat.messages.length} messages with ${chat.characterName}) as ${chat.id}\n`));
  return 0;
}

async function exportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: "string" }, out: { type: "string" } });
  const [name, ...more] = positionals;
  if (!name || more.length > 0) throw new UsageError("export takes one chat NAME");
  const format = values.format ?? "jsonl";
  if (format !== "jsonl" && format !== "json") throw new UsageError(`--format must be jsonl or json, got "${format}"`);
  if (!values.out) throw new UsageError("export needs --out FILE");
  const out = resolve(io.cwd, values.out);
  const chat = await exportChat({ store: await openStore(io), name, format: format as ChatExportFormat, out });
  io.stdout.write(displayText(`Exported "${chat.title}" (${chat.messages.length} messages) to ${out}\n`));
  return 0;
}

async function deleteCommand(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const [name, ...more] = positionals;
  if (!name || more.length > 0) throw new UsageError("delete takes one chat NAME");
  const store = await openStore(io);
  const entry = store.resolve(name);
  const trash = await store.delete(entry.id);
  io.stdout.write(displayText(`Moved "${entry.title}" to ${trash}\n`));
  return 0;
}

async function renameCommand(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const [name, title, ...more] = positionals;
  if (!name || title === undefined || more.length > 0) throw new UsageError("rename takes a chat NAME and a TITLE");
  const chat = await (await openStore(io)).rename(name, title);
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
