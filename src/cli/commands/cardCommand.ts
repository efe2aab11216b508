import { resolve } from "node:path";
import { parseCommandArgs } from "../args.ts";
import { loadTokenizer } from "../../engine/generation/loadTokenizer.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import type { CardExportFormat } from "../../core/cards/codec.ts";
import { lintCard } from "../../core/cards/lint.ts";
import { toV3Object } from "../../core/cards/write.ts";
import type { Character } from "../../core/cards/character.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { CardLibrary, type LoadedCard } from "../../store/cards/library.ts";
import { readCardFile, writeCardFile } from "../../store/cards/cardFiles.ts";
import { dataDir, dataPaths } from "../../store/paths.ts";
import { join } from "node:path";

const usage = `Usage:
  taproom card import FILE...                  copy card files (PNG, JSON, CharX) into your library
  taproom card list [--json]                   your cards and the bundled samples
  taproom card show NAME_OR_FILE [--json] [--model FILE]
                                               every field of a card (token counts with a model)
  taproom card export NAME_OR_FILE --format png|json|charx|v2json --out FILE
  taproom card lint FILE                       problems a card's author should fix

json is Character Card V3 JSON; v2json is V2 JSON (with V1 fields for old readers).`;

const FORMATS = new Set(["png", "json", "charx", "v2json"]);

function libraryFor(io: CliIO): CardLibrary {
  const paths = dataPaths(dataDir(io.env));
  return new CardLibrary({ dir: paths.characters, indexPath: join(paths.cache, "card-index.json") });
}

const show = (text: string) => sanitizeForTerminal(text);

async function importCards(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  if (positionals.length === 0) throw new UsageError("card import needs at least one FILE");
  const results = await libraryFor(io).import(positionals.map((p) => resolve(io.cwd, p)));
  for (const r of results) {
    for (const w of r.warnings) io.stderr.write(show(`${r.source}: repaired ${w.field}: ${w.message}`) + "\n");
    const what = r.status === "imported" ? `imported "${r.name}" as ${r.id}` : `already in the library as ${r.id}; skipped`;
    io.stdout.write(show(`${r.source}: ${what}`) + "\n");
  }
  return 0;
}

async function listCards(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: "boolean" } }, false);
  const library = libraryFor(io);
  const cards = await library.list();
  if (values.json) {
    io.stdout.write(JSON.stringify(cards.map(({ hash: _h, mtimeMs: _m, size: _s, ...rest }) => rest), null, 2) + "\n");
  } else if (cards.length === 0) {
    io.stdout.write("No characters yet. Import one with: taproom card import FILE\n");
  } else {
    const width = Math.max(...cards.map((c) => c.id.length));
    for (const c of cards) {
      const tags = c.tags.length ? `  [${c.tags.join(", ")}]` : "";
      io.stdout.write(show(`${c.id.padEnd(width)}  ${c.name} (${c.format}, ${c.spec}${c.bundled ? ", sample" : ""})${tags}`) + "\n");
    }
  }
  for (const p of library.problems) io.stderr.write(show(p.message) + "\n");
  return 0;
}

const FIELD_ORDER: (keyof Character)[] = [
  "name", "nickname", "creator", "character_version", "tags", "description", "personality", "scenario",
  "first_mes", "alternate_greetings", "group_only_greetings", "mes_example", "system_prompt",
  "post_history_instructions", "creator_notes", "creator_notes_multilingual", "source", "creation_date",
  "modification_date", "assets", "extensions", "character_book",
];

function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
    return value.map((v, i) => `[${i + 1}] ${v}`).join("\n");
  }
  return JSON.stringify(value, null, 2);
}

function showText(card: LoadedCard, countTokens?: (text: string) => number): string {
  const c = card.card.character;
  const lines = [`file: ${card.path}`, `format: ${card.format} (${card.card.spec}${card.card.specVersion ? ` ${card.card.specVersion}` : ""})`];
  for (const key of FIELD_ORDER) {
    const value = c[key];
    if (value === undefined) continue;
    const text = formatValue(value);
    const label = countTokens && typeof value === "string" && value ? `${key} (${countTokens(value)} tokens)` : key;
    lines.push(text.includes("\n") ? `${label}:\n${text.replace(/^/gm, "  ")}` : `${label}: ${text}`);
  }
  const extra = { ...card.card.extraTop, ...card.card.extraData };
  if (Object.keys(extra).length) lines.push(`other keys:\n${JSON.stringify(extra, null, 2).replace(/^/gm, "  ")}`);
  if (card.assets?.size) lines.push(`archive files: ${[...card.assets.keys()].join(", ")}`);
  return show(lines.join("\n")) + "\n";
}

async function showCard(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" }, model: { type: "string" } });
  const [query] = positionals;
  if (!query || positionals.length > 1) throw new UsageError("card show needs one NAME_OR_FILE");
  const tokenizer = values.model ? await loadTokenizer(values.model) : undefined;
  const card = await libraryFor(io).resolve(query, io.cwd);
  for (const w of card.warnings) io.stderr.write(show(`${card.path}: repaired ${w.field}: ${w.message}`) + "\n");
  if (values.json) {
    io.stdout.write(JSON.stringify({ path: card.path, format: card.format, spec: card.card.spec, card: toV3Object(card.card) }, null, 2) + "\n");
  } else {
    io.stdout.write(showText(card, tokenizer && ((t) => tokenizer.countTokens(t))));
  }
  await tokenizer?.close();
  return 0;
}

async function exportCard(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { format: { type: "string" }, out: { type: "string" } });
  const [query] = positionals;
  if (!query || positionals.length > 1) throw new UsageError("card export needs one NAME_OR_FILE");
  if (!values.format || !FORMATS.has(values.format)) throw new UsageError("--format must be png, json, charx or v2json");
  if (!values.out) throw new UsageError("--out FILE is required");
  const card = await libraryFor(io).resolve(query, io.cwd);
  const out = resolve(io.cwd, values.out);
  await writeCardFile(out, card, values.format as CardExportFormat);
  io.stdout.write(show(`wrote ${out}`) + "\n");
  return 0;
}

async function lintFile(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new UsageError("card lint needs one FILE");
  const path = resolve(io.cwd, file);
  const loaded = await readCardFile(path);
  const findings = lintCard(loaded.card, loaded.warnings);
  for (const f of findings) io.stdout.write(show(`${path}: ${f.level}: ${f.field}: ${f.message}`) + "\n");
  if (findings.length === 0) io.stdout.write(show(`${path}: no problems found`) + "\n");
  return findings.some((f) => f.level === "error") ? 1 : 0;
}

const subcommands: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  import: importCards, list: listCards, show: showCard, export: exportCard, lint: lintFile,
};

export const cardCommand: CliCommand = {
  name: "card",
  summary: "import, list, show, export and lint character cards",
  usage,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    const handler = sub ? subcommands[sub] : undefined;
    if (!handler) throw new UsageError(sub ? `unknown card subcommand "${sub}"` : "card needs a subcommand: import, list, show, export or lint");
    return handler(rest, io);
  },
};
