import { parseCommandArgs } from "../args.ts";
import { runSubcommand, UsageError, type CliCommand, type CliIO } from "../command.ts";
import type { CardExportFormat } from "../../core/cards/codec.ts";
import { pngSize } from "../../core/cards/png.ts";
import { toV3Object } from "../../core/cards/write.ts";
import type { Character } from "../../core/cards/character.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { createApp } from "../../app/app.ts";
import { CardImportError, type LibraryService, type LoadedCard } from "../../app/library.ts";
import { cardHelp } from "./help.ts";

const FORMATS = new Set(["png", "json", "charx", "v2json"]);

function libraryFor(io: CliIO): LibraryService {
  return createApp({ env: io.env, cwd: io.cwd }).library;
}

const show = (text: string) => sanitizeForTerminal(text);

async function importCards(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { "skip-bad": { type: "boolean" } });
  if (positionals.length === 0) throw new UsageError("card import needs at least one FILE");
  let results;
  try {
    results = await libraryFor(io).import(positionals, { skipBad: values["skip-bad"] === true });
  } catch (error) {
    if (!(error instanceof CardImportError)) throw error;
    for (const f of error.failures) io.stderr.write(show(`taproom card: ${f.message}`) + "\n");
    const others = error.total - error.failures.length;
    const hint = others > 0 ? `; --skip-bad imports the other ${others}` : "";
    io.stderr.write(`taproom card: nothing imported (${error.failures.length} of ${error.total} files could not be read${hint})\n`);
    return 1;
  }
  for (const r of results) {
    if (r.status === "refused") {
      io.stderr.write(show(`taproom card: ${r.error}; skipped`) + "\n");
      continue;
    }
    for (const w of r.warnings) io.stderr.write(show(`${r.source}: repaired ${w.field}: ${w.message}`) + "\n");
    const what = r.status === "imported" ? `imported "${r.name}" as ${r.id}` : `already in the library as ${r.id}; skipped`;
    io.stdout.write(show(`${r.source}: ${what}`) + "\n");
  }
  return results.some((r) => r.status === "refused") ? 1 : 0;
}

async function listCards(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: "boolean" } }, false);
  const { cards, problems } = await libraryFor(io).list();
  if (values.json) {
    io.stdout.write(JSON.stringify(cards.map(({ mtimeMs: _m, size: _s, ...rest }) => rest), null, 2) + "\n");
  } else if (cards.length === 0) {
    io.stdout.write("No characters yet. Import one with: taproom card import FILE\n");
  } else {
    const width = Math.max(...cards.map((c) => c.id.length));
    for (const c of cards) {
      const tags = c.tags.length ? `  [${c.tags.join(", ")}]` : "";
      io.stdout.write(show(`${c.id.padEnd(width)}  ${c.name} (${c.format}, ${c.spec}${c.bundled ? ", sample" : ""})${tags}`) + "\n");
    }
  }
  for (const p of problems) io.stderr.write(show(p.message) + "\n");
  return 0;
}

const FIELD_ORDER: (keyof Character)[] = [
  "name", "nickname", "creator", "character_version", "tags", "description", "personality", "scenario",
  "first_mes", "alternate_greetings", "group_only_greetings", "mes_example", "system_prompt",
  "post_history_instructions", "creator_notes", "creator_notes_multilingual", "source", "creation_date",
  "modification_date", "assets", "extensions", "character_book",
];

type Path = (string | number)[];

/** Which strings get a token count: the fields, each greeting and each lore entry's content. */
function countedAt(path: Path): boolean {
  if (path.length === 1) return true;
  if (path.length === 2) return path[0] === "alternate_greetings" || path[0] === "group_only_greetings";
  return path.length === 4 && path[0] === "character_book" && path[1] === "entries" && path[3] === "content";
}

const indent = (text: string) => text.replace(/^/gm, "  ");

function isBranch(value: unknown): boolean {
  return typeof value === "object" && value !== null && Object.keys(value).length > 0;
}

/**
 * A value as a reader wants it: text as written (no JSON escapes), objects and lists as an
 * indented tree, list items numbered from 1.
 */
function renderValue(value: unknown, path: Path = [], count?: (text: string) => number): string {
  if (typeof value === "string") return value === "" ? '""' : value;
  if (value === null || typeof value !== "object") return String(value);
  const items: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  if (items.length === 0) return Array.isArray(value) ? "[]" : "{}";
  return items
    .map(([key, item]) => {
      const label = typeof key === "number" ? `[${key + 1}]` : `${key}:`;
      return entryLine(label, item, [...path, key], count);
    })
    .join("\n");
}

function entryLine(label: string, value: unknown, path: Path, count?: (text: string) => number): string {
  const text = renderValue(value, path, count);
  const counted = count && typeof value === "string" && value !== "" && countedAt(path) ? ` (${count(value)} tokens)` : "";
  const head = counted ? `${label.replace(/:$/, "")}${counted}${label.endsWith(":") ? ":" : ""}` : label;
  return text.includes("\n") || isBranch(value) ? `${head}\n${indent(text)}` : `${head} ${text}`;
}

function showText(card: LoadedCard, countTokens?: (text: string) => number): string {
  const c = card.card.character;
  const spec = [card.card.spec, card.card.specName, card.card.specVersion].filter(Boolean).join(" ");
  const lines = [`file: ${card.path}`, `format: ${card.format} (${spec})`];
  for (const key of FIELD_ORDER) {
    const value = c[key];
    if (value === undefined) continue;
    if ((key === "creation_date" || key === "modification_date") && typeof value === "number") {
      const date = new Date(value * 1000);
      lines.push(`${key}: ${value}${Number.isNaN(date.getTime()) ? "" : ` (${date.toISOString().replace("T", " ").slice(0, 16)} UTC)`}`);
      continue;
    }
    lines.push(entryLine(`${key}:`, value, [key], countTokens));
  }
  const { extraTop, extraData } = card.card;
  if (Object.keys(extraTop).length) lines.push(`other top-level keys:\n${indent(renderValue(extraTop))}`);
  if (Object.keys(extraData).length) lines.push(`other keys in data:\n${indent(renderValue(extraData))}`);
  if (card.image) {
    const size = pngSize(card.image);
    lines.push(`image: ${size ? `${size.width}x${size.height} ` : ""}PNG, ${card.image.length} bytes with the card`);
  }
  if (card.assets?.size) {
    const files = [...card.assets].map(([name, data]) => `${name} (${data.length} bytes)`);
    lines.push(`archive files:\n${indent(files.join("\n"))}`);
  }
  if (countTokens) {
    const permanent = (["description", "personality", "scenario", "mes_example", "system_prompt", "post_history_instructions"] as const)
      .reduce((n, f) => n + (c[f] ? countTokens(c[f]) : 0), 0);
    lines.push(`permanent tokens (description, personality, scenario, examples, system prompt, post-history): ${permanent}`);
  }
  return show(lines.join("\n")) + "\n";
}

async function showCard(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { json: { type: "boolean" }, model: { type: "string" } });
  const [query] = positionals;
  if (!query || positionals.length > 1) throw new UsageError("card show needs one NAME_OR_FILE");
  const app = createApp({ env: io.env, cwd: io.cwd });
  const tokenizer = values.model ? await app.models.tokenizer(values.model) : undefined;
  const card = await app.library.resolve(query);
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
  const { out, losses } = await libraryFor(io).exportCard(query, values.format as CardExportFormat, values.out);
  for (const loss of losses) io.stderr.write(show(`${out}: not kept: ${loss}; export --format charx to keep everything`) + "\n");
  io.stdout.write(show(`wrote ${out}`) + "\n");
  return 0;
}

async function lintFile(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const [file] = positionals;
  if (!file || positionals.length > 1) throw new UsageError("card lint needs one FILE");
  const { path, findings } = await libraryFor(io).lint(file);
  for (const f of findings) io.stdout.write(show(`${path}: ${f.level}: ${f.field}: ${f.message}`) + "\n");
  if (findings.length === 0) io.stdout.write(show(`${path}: no problems found`) + "\n");
  return findings.some((f) => f.level === "error") ? 1 : 0;
}

async function deleteCard(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const [query] = positionals;
  if (!query || positionals.length > 1) throw new UsageError("card delete needs one NAME");
  const trashed = await libraryFor(io).remove(query);
  io.stdout.write(show(`moved "${trashed.name}" (${trashed.id}) to the trash: ${trashed.path}; its chats are kept (taproom card restore ${trashed.id} brings it back)`) + "\n");
  return 0;
}

async function listTrash(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, { json: { type: "boolean" } }, false);
  const trashed = await libraryFor(io).trash();
  if (values.json) {
    io.stdout.write(JSON.stringify(trashed, null, 2) + "\n");
  } else if (trashed.length === 0) {
    io.stdout.write("The trash is empty.\n");
  } else {
    const width = Math.max(...trashed.map((t) => t.id.length));
    for (const t of trashed) io.stdout.write(show(`${t.id.padEnd(width)}  ${t.name} (${t.format}, deleted ${t.deletedAt.replace("T", " ").slice(0, 16)} UTC)`) + "\n");
  }
  return 0;
}

async function restoreCard(args: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(args, {});
  const [query] = positionals;
  if (!query || positionals.length > 1) throw new UsageError("card restore needs one NAME");
  const restored = await libraryFor(io).restore(query);
  io.stdout.write(show(`restored "${restored.name}" as ${restored.id}: ${restored.path}`) + "\n");
  return 0;
}

const subcommands: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  import: importCards, list: listCards, show: showCard, export: exportCard, lint: lintFile,
  delete: deleteCard, trash: listTrash, restore: restoreCard,
};

export const cardCommand: CliCommand = {
  ...cardHelp,
  run: (argv, io) => runSubcommand("card", subcommands, argv, io),
};
