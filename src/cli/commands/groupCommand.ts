import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import { plural } from "../../core/units/format.ts";
import type { GroupDetails, GroupsService } from "../../app/groups/groups.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { groupHelp } from "./help.ts";


function groupsOf(io: CliIO): GroupsService {
  return createApp({ env: io.env, cwd: io.cwd }).groups;
}

const list = (text: string | undefined) => (text ?? "").split(",").map((s) => s.trim()).filter(Boolean);

function onOff(flag: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "on" || value === "off") return value === "on";
  throw new UsageError(`--${flag} must be on or off, got "${value}"`);
}

function memberLine(g: GroupDetails): string {
  return g.members.map((m) => `${m.name}${m.muted ? " (muted)" : ""}${m.missing ? " (no card)" : ""}`).join(", ");
}

function summary(g: GroupDetails): string {
  return `${g.name}  (${g.members.length} member${g.members.length === 1 ? "" : "s"}: ${memberLine(g)}; ${g.strategy}; ${g.mode}; ${g.chats.length} chat${g.chats.length === 1 ? "" : "s"})`;
}

async function create(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    members: { type: "string" }, strategy: { type: "string" }, mode: { type: "string" }, "self-responses": { type: "boolean" },
  });
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("create takes a group NAME");
  const members = list(values.members);
  if (members.length === 0) throw new UsageError("create needs --members A,B (characters of your library)");
  const made = await groupsOf(io).create({
    name, members,
    ...(values.strategy !== undefined && { strategy: values.strategy }),
    ...(values.mode !== undefined && { mode: values.mode }),
    ...(values["self-responses"] && { allowSelfResponses: true }),
  });
  io.stdout.write(displayText(`Created group "${made.name}" (${made.id}): ${memberLine(made)}; ${made.strategy}; ${made.mode}`) + "\n");
  return 0;
}

async function listGroups(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const { groups, problems } = await groupsOf(io).list();
  for (const p of problems) io.stderr.write(`${displayText(p)}\n`);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(groups.map(({ group: _g, ...rest }) => rest), null, 2)}\n`);
    return 0;
  }
  if (groups.length === 0) io.stdout.write("No groups yet: taproom group create NAME --members A,B makes one.\n");
  for (const g of groups) io.stdout.write(`${displayText(summary(g))}\n`);
  return 0;
}

async function show(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { json: { type: "boolean" } });
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("show takes a group NAME");
  const g = await groupsOf(io).show(name);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(g, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `${g.name}  (id ${g.id})`,
    `Strategy: ${g.strategy}${g.strategy === "natural" ? `; self-responses ${g.allowSelfResponses ? "allowed" : "not allowed"}` : ""}`,
    `Cards: ${g.mode}${g.mode === "swap" ? "" : `; join prefix ${JSON.stringify(g.joinPrefix)}, suffix ${JSON.stringify(g.joinSuffix)}`}`,
    "Members (list order):",
    ...g.members.map((m, i) => `  ${i + 1}. ${m.name}  [${m.key}]${m.muted ? "  muted" : ""}${m.missing ? "  no card in the library: sits out" : ""}`),
    `Chats: ${g.chats.length === 0 ? "none yet" : ""}`,
    ...g.chats.map((c) => `  ${c.id === g.group.chatId ? "*" : " "} ${c.id}  ${c.title}  (${plural(c.messageCount, "message")}, ${c.updatedAt.slice(0, 16).replace("T", " ")})`),
    ...(g.scenario !== undefined ? [`Scenario override (open chat): ${g.scenario}`] : []),
    ...(g.lorebook !== undefined ? [`Chat lorebook (open chat): ${g.lorebook}`] : []),
    `Auto mode delay: ${g.autoModeDelay} s (SillyTavern's; kept for export)`,
  ];
  for (const line of lines) io.stdout.write(`${displayText(line)}\n`);
  return 0;
}

async function set(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    name: { type: "string" }, strategy: { type: "string" }, mode: { type: "string" }, "self-responses": { type: "string" },
    add: { type: "string" }, remove: { type: "string" }, mute: { type: "string" }, unmute: { type: "string" },
    "join-prefix": { type: "string" }, "join-suffix": { type: "string" }, scenario: { type: "string" }, lorebook: { type: "string" },
  });
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("set takes a group NAME");
  const self = onOff("self-responses", values["self-responses"]);
  const changed = await groupsOf(io).update(name, {
    ...(values.name !== undefined && { name: values.name }),
    ...(values.strategy !== undefined && { strategy: values.strategy }),
    ...(values.mode !== undefined && { mode: values.mode }),
    ...(self !== undefined && { allowSelfResponses: self }),
    ...(values.add !== undefined && { add: list(values.add) }),
    ...(values.remove !== undefined && { remove: list(values.remove) }),
    ...(values.mute !== undefined && { mute: list(values.mute) }),
    ...(values.unmute !== undefined && { unmute: list(values.unmute) }),
    ...(values["join-prefix"] !== undefined && { joinPrefix: values["join-prefix"] }),
    ...(values["join-suffix"] !== undefined && { joinSuffix: values["join-suffix"] }),
    ...(values.scenario !== undefined && { scenario: values.scenario }),
    ...(values.lorebook !== undefined && { lorebook: values.lorebook }),
  });
  io.stdout.write(`${displayText(summary(changed))}\n`);
  return 0;
}

async function remove(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { yes: { type: "boolean" } });
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("delete takes a group NAME");
  const groups = groupsOf(io);
  if (!values.yes) {
    const g = await groups.show(name);
    throw new UsageError(`deleting "${g.name}" also deletes its ${g.chats.length} chat${g.chats.length === 1 ? "" : "s"}: add --yes to go ahead`);
  }
  const { group, chats } = await groups.remove(name);
  io.stdout.write(displayText(`Deleted group "${group.name}" and its ${chats} chat${chats === 1 ? "" : "s"} (moved to the trash)`) + "\n");
  return 0;
}

async function importGroup(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { chats: { type: "string" } });
  const [file, ...more] = positionals;
  if (!file || more.length > 0) throw new UsageError("import takes one SillyTavern group FILE.json");
  const result = await groupsOf(io).import(file, { ...(values.chats !== undefined && { chats: values.chats }) });
  const { group } = result;
  io.stdout.write(displayText(`Imported group "${group.name}" (${group.id}) with ${result.chats.length} chat${result.chats.length === 1 ? "" : "s"}`) + "\n");
  if (result.renamedFrom) io.stdout.write(displayText(`Its id ${result.renamedFrom} was taken here: it is ${group.id} now`) + "\n");
  if (result.missingMembers.length) io.stderr.write(displayText(`Not in your library (kept, sitting out until you import their cards): ${result.missingMembers.join(", ")}`) + "\n");
  if (result.missingChats.length) io.stderr.write(displayText(`Chats listed but not found (use --chats DIR): ${result.missingChats.join(", ")}`) + "\n");
  return 0;
}

async function importChat(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const [name, file, ...more] = positionals;
  if (!name || !file || more.length > 0) throw new UsageError('import-chat takes a group NAME and one SillyTavern group chat FILE.jsonl (quote a NAME with spaces)');
  const { group, chat } = await groupsOf(io).importChat(name, file);
  const speakers = [...new Set(chat.messages.filter((m) => m.role === "assistant").map((m) => m.name))];
  io.stdout.write(displayText(`Imported "${chat.title}" into group "${group.name}": ${chat.messages.length} message${chat.messages.length === 1 ? "" : "s"}${speakers.length ? ` (${speakers.join(", ")})` : ""}; the group has ${group.chats.length} chat${group.chats.length === 1 ? "" : "s"}`) + "\n");
  return 0;
}

async function exportGroup(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { out: { type: "string" }, "legacy-st": { type: "boolean" } });
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("export takes a group NAME");
  if (!values.out) throw new UsageError("export needs --out DIR (SillyTavern's groups and group chats folders go in it)");
  const written = await groupsOf(io).export(name, values.out, { ...(values["legacy-st"] && { legacy: true }) });
  io.stdout.write(displayText(`Wrote ${written.groupFile}`) + "\n");
  for (const file of written.chatFiles) io.stdout.write(displayText(`Wrote ${file}`) + "\n");
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  create, list: listGroups, show, set, delete: remove, import: importGroup, "import-chat": importChat, export: exportGroup,
};

export const groupCommand: CliCommand = {
  ...groupHelp,
  run: (argv, io) => runSubcommand("group", subcommands, argv, io, listGroups),
};
