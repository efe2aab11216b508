import { readFile } from "node:fs/promises";
import { plural } from "../../core/units/format.ts";
import { resolve } from "node:path";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { runSubcommand, UsageError, type CliCommand, type CliIO } from "../command.ts";
import type { ActivateLoreResult, GenerationType, LoreMessage } from "../../core/lorebook/activate.ts";
import { loreReport } from "../../core/lorebook/report.ts";
import { displayLine, sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { createApp, type App } from "../../app/app.ts";
import type { StoredLorebook } from "../../app/lore.ts";
import { loreHelp } from "./help.ts";

const GENERATION_TYPES: readonly GenerationType[] = ["normal", "continue", "impersonate", "swipe", "regenerate", "quiet"];

const show = (s: string) => sanitizeForTerminal(s);

const appFor = (io: CliIO): App => createApp({ env: io.env, cwd: io.cwd });

function messageOf(raw: unknown, file: string, where: string): LoreMessage | undefined {
  if (typeof raw !== "object" || raw === null) throw new Error(`${file}: ${where}: expected a message object`);
  const m = raw as Record<string, unknown>;
  if (m.mes === undefined && m.text === undefined && m.content === undefined) {
    if ("chat_metadata" in m || "user_name" in m) return undefined; // JSONL header line
    throw new Error(`${file}: ${where}.mes: missing message text`);
  }
  const text = m.mes ?? m.text ?? m.content;
  if (typeof text !== "string") throw new Error(`${file}: ${where}.mes: expected a string`);
  const role = typeof m.is_user === "boolean" ? (m.is_user ? "user" : m.is_system === true ? "system" : "assistant")
    : m.role === "user" || m.role === "assistant" || m.role === "system" ? m.role : undefined;
  return { text, name: typeof m.name === "string" ? m.name : undefined, ...(role && { role }) };
}

/** Reads a JSONL chat (SillyTavern) or a JSON array / {messages: [...]}; oldest first. */
export async function readChatMessages(file: string): Promise<LoreMessage[]> {
  const raw = await readFile(file, "utf8");
  let items: unknown[];
  try {
    const json: unknown = JSON.parse(raw);
    items = Array.isArray(json) ? json : Array.isArray((json as { messages?: unknown }).messages) ? (json as { messages: unknown[] }).messages : [json];
  } catch {
    items = raw.split("\n").map((line, i) => {
      if (!line.trim()) return undefined;
      try { return JSON.parse(line) as unknown; } catch { throw new Error(`${file}: line ${i + 1}: not valid JSON`); }
    }).filter((x) => x !== undefined);
  }
  return items.map((m, i) => messageOf(m, file, `message ${i + 1}`)).filter((m): m is LoreMessage => m !== undefined);
}

async function runTest(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    text: { type: "string", multiple: true }, chat: { type: "string" }, json: { type: "boolean" },
    context: { type: "string" }, seed: { type: "string" }, "scan-depth": { type: "string" }, model: { type: "string" },
    character: { type: "string" }, tag: { type: "string", multiple: true }, generation: { type: "string" },
  });
  if (positionals.length === 0) throw new UsageError("lore test: name a BOOK");
  if (!values.text && !values.chat) throw new UsageError("lore test: give --text or --chat");
  const generationType = values.generation ?? "normal";
  if (!GENERATION_TYPES.includes(generationType as GenerationType)) throw new UsageError(`lore test: --generation must be one of ${GENERATION_TYPES.join(", ")}`);
  if (values.tag && values.character === undefined) throw new UsageError("lore test: --tag needs --character");
  const app = appFor(io);
  const found: StoredLorebook[] = [];
  for (const ref of positionals) found.push(await app.lore.find(ref));
  const stored: StoredLorebook = found.length === 1 ? found[0]! : { book: { name: found.map((s) => s.book.name).join(" + "), entries: found.flatMap((s) => s.book.entries), extra: {} }, file: "", source: "user" };
  const messages = values.chat ? await readChatMessages(resolve(io.cwd, values.chat)) : values.text!.map((text) => ({ text }));
  const scanDepth = parseIntegerFlag("scan-depth", values["scan-depth"]);
  const tokenizer = values.model ? await app.models.tokenizer(values.model) : undefined;
  const counter = tokenizer ? `${tokenizer.name} tokenizer` : "≈ chars/4";
  const result = await app.lore
    .test({
      books: found.map((s) => s.book), messages,
      ...(tokenizer && { countTokens: (t: string) => tokenizer.countTokens(t) }),
      contextSize: parseIntegerFlag("context", values.context) ?? 8192, seed: parseIntegerFlag("seed", values.seed) ?? 0,
      ...(scanDepth !== undefined && { scanDepth }),
      generationType: generationType as GenerationType,
      ...(values.character !== undefined && { character: { name: values.character, tags: values.tag ?? [] } }),
    })
    .finally(() => tokenizer?.close());
  if (values.json) {
    io.stdout.write(JSON.stringify({ book: stored.book.name, books: found.map((s) => s.book.name), tokenizer: tokenizer ? counter : "chars/4", ...result }, null, 2) + "\n");
    return 0;
  }
  io.stdout.write(report(stored, result, counter, found.length > 1));
  return 0;
}

function report(stored: StoredLorebook, r: ActivateLoreResult, counter: string, several: boolean): string {
  const { summary, fired, notFired, warnings } = loreReport(stored.book.name, r, counter, several);
  const lines = [summary, "Fired, in insertion order:", ...fired.map((l) => `  ${l}`)];
  if (notFired.length) lines.push("Not fired:", ...notFired.map((l) => `  ${l}`));
  return [...lines, ...warnings].join("\n") + "\n";
}

async function runList(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const { lore } = appFor(io);
  const books = await lore.listings();
  const unreadable = await lore.unreadable();
  if (values.json) {
    io.stdout.write(JSON.stringify(books, null, 2) + "\n");
    for (const line of unreadable) io.stderr.write(`${show(line)}\n`);
    return 0;
  }
  if (!books.length) io.stdout.write("No lorebooks yet. Import one with `taproom lore import FILE`.\n");
  for (const s of books) {
    const counts = `${plural(s.entries, "entry", "entries")}${s.disabled ? `, ${s.disabled} disabled` : ""}${s.constant ? `, ${s.constant} constant` : ""}`;
    const where = s.card ? `, inside the card ${s.card.id}` : "";
    io.stdout.write(`${displayLine(s.name)}  (${counts}${displayLine(where)}, ${s.source}${s.global ? ", global" : ""})\n`);
    for (const w of s.warnings) io.stdout.write(`  repaired: ${displayLine(w)}\n`);
  }
  for (const line of unreadable) io.stderr.write(`not listed, cannot be read: ${show(line)}\n`);
  return 0;
}

async function runImport(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  if (!positionals[0]) throw new UsageError("lore import: name a FILE");
  const saved = await appFor(io).lore.importFile(positionals[0]);
  for (const w of saved.warnings) io.stderr.write(`repaired: ${show(w)}\n`);
  const what = `"${show(saved.name)}" (${plural(saved.entries, "entry", "entries")})`;
  io.stdout.write(saved.alreadyImported ? `Already imported: ${what} is ${show(saved.file)}, unchanged\n` : `Imported ${what} to ${show(saved.file)}\n`);
  return 0;
}

async function runExport(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { format: { type: "string" }, out: { type: "string" } });
  if (!positionals[0]) throw new UsageError("lore export: name a book");
  if (values.format !== "st" && values.format !== "card") throw new UsageError("lore export: --format must be st or card");
  if (!values.out) throw new UsageError("lore export: give --out FILE");
  const { book, out } = await appFor(io).lore.exportBook(positionals[0], values.format, values.out);
  io.stdout.write(`Wrote "${show(book.name)}" as ${values.format === "st" ? "SillyTavern World Info" : "a card character_book"} to ${show(out)}\n`);
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = {
  import: runImport, list: runList, export: runExport, test: runTest,
};

export const loreCommand: CliCommand = {
  ...loreHelp,
  run: (argv, io) => runSubcommand("lore", subcommands, argv, io),
};
