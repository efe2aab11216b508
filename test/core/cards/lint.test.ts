import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { lintCard } from "../../../src/core/cards/lint.ts";
import { parseCardObject } from "../../../src/core/cards/parse.ts";
import { decodeCardFile } from "../../../src/core/cards/codec.ts";
import { v2Card, v3Card } from "../../support/cards.ts";

const lint = (input: unknown, maxFieldChars?: number) => {
  const { card, warnings } = parseCardObject(input, { source: "t.json" });
  return lintCard(card, warnings, { maxFieldChars });
};

test("a clean card has no findings", () => {
  assert.deepEqual(lint(v2Card()), []);
});

test("missing name is an error, missing greeting a warning", () => {
  const findings = lint(v2Card({ name: "", first_mes: "", alternate_greetings: [] }));
  assert.ok(findings.some((f) => f.level === "error" && f.field === "name"));
  assert.ok(findings.some((f) => f.level === "warning" && f.field === "first_mes"));
});

test("misspelt macros are flagged, correct ones are not; spaced ones are portability warnings", () => {
  const findings = lint(v2Card({ description: "{char} meets {{ user}} and {{Char}} but {{char}} is fine", scenario: "{{user} and {CHAR}} and {{{char}}}" }));
  const quoted = (pattern: RegExp) => findings.filter((f) => pattern.test(f.message)).map((f) => f.message.match(/"(.*?)"/)?.[1]);
  assert.deepEqual(quoted(/misspelt macro/), ["{char}", "{{user}", "{CHAR}}"]);
  assert.deepEqual(quoted(/spaces inside the braces/), ["{{ user}}"]);
  assert.match(findings.find((f) => /spaces/.test(f.message))!.message, /other apps may not \(write \{\{user\}\}\)$/);
});

test("every field of a wrong type that cannot be repaired is reported, not only the first", () => {
  const input = v2Card({ description: { nested: 1 }, alternate_greetings: 5, extensions: "nope", character_book: { entries: "none" } });
  assert.throws(() => parseCardObject(input, { source: "t.json" }), /data\.description/);
  const { card, warnings, refusals } = parseCardObject(input, { source: "t.json", collectRefusals: true });
  const errors = lintCard(card, warnings, { refusals }).filter((f) => f.level === "error");
  assert.deepEqual(errors.map((f) => f.field), ["data.description", "data.alternate_greetings", "data.extensions"]);
  assert.match(errors[0]!.message, /^expected text, got an object; taproom refuses the card until this is fixed$/);
  // The book is read as leniently as SillyTavern reads it: what it lacks is a warning, never a refusal of the card.
  const book = lintCard(card, warnings, { refusals }).find((f) => f.field === "data.character_book.entries");
  assert.deepEqual([book?.level, book?.message], ["warning", "expected a list, got a string; the book has no entries"]);
});

test("unknown spec, very long fields, repairs and dead lore entries are reported", () => {
  const input = { ...v2Card({ personality: "x".repeat(50), tags: "one", character_book: { entries: [{ keys: [], content: "never", insertion_order: 1, enabled: true, extensions: {} }] } }), spec: "chara_card_v7" };
  const fields = lint(input, 40).map((f) => `${f.field}: ${f.message}`);
  assert.ok(fields.some((f) => f.startsWith('spec: unknown spec "chara_card_v7"')));
  assert.ok(fields.some((f) => f.startsWith("personality: very long (50 characters)")));
  assert.ok(fields.some((f) => f.startsWith("data.tags: expected a list")));
  assert.ok(fields.some((f) => f.startsWith("character_book.entries[0].keys: entry has no keys")));
});

test("the bundled sample characters parse and lint clean", () => {
  const dir = new URL("../../../characters/", import.meta.url);
  const files = readdirSync(dir).filter((f) => /\.(json|png|charx)$/.test(f));
  assert.ok(files.length >= 3);
  for (const f of files) {
    const file = decodeCardFile(new Uint8Array(readFileSync(new URL(f, dir))), f);
    assert.deepEqual(lintCard(file.card, file.warnings, { archiveFiles: file.assets && new Set(file.assets.keys()) }), [], f);
    const c = file.card.character;
    assert.ok(c.description.length + c.personality.length + c.scenario.length < 1600, `${f} is short enough for small contexts`);
  }
});

test("the samples between them show greetings, a lorebook, <START> examples and a V3 card with embedded assets", () => {
  const dir = new URL("../../../characters/", import.meta.url);
  const files = readdirSync(dir).filter((f) => /\.(json|png|charx)$/.test(f)).map((f) => decodeCardFile(new Uint8Array(readFileSync(new URL(f, dir))), f));
  assert.ok(files.some((f) => f.card.character.alternate_greetings.length >= 2), "alternate greetings");
  assert.ok(files.some((f) => (f.card.character.character_book?.entries.length ?? 0) >= 3), "an embedded lorebook");
  assert.ok(files.some((f) => (f.card.character.mes_example.match(/<START>/g) ?? []).length >= 2), "example dialogue in <START> blocks");
  const v3 = files.find((f) => f.card.spec === "v3" && (f.card.character.assets?.length ?? 0) >= 2);
  assert.ok(v3, "a V3 card with assets");
  for (const asset of v3.card.character.assets!) {
    const path = asset.uri.replace(/^embeded:\/\//, "");
    assert.ok(v3.assets?.get(path)?.length, `${asset.uri} is in the archive`);
  }
});

test("embedded asset URIs must name a file in the archive", () => {
  const { card } = parseCardObject(v3Card({ assets: [
    { type: "icon", uri: "embeded://assets/icon/images/main.png", name: "main", ext: "png" },
    { type: "emotion", uri: "embeded://assets/emotion/sad.png", name: "sad", ext: "png" },
    { type: "background", uri: "https://example.invalid/bg.png", name: "bg", ext: "png" },
  ] }), { source: "c.charx" });
  const inArchive = lintCard(card, [], { archiveFiles: new Set(["assets/icon/images/main.png"]) });
  assert.deepEqual(inArchive.map((f) => `${f.level} ${f.field}: ${f.message}`), ['error assets[1].uri: "embeded://assets/emotion/sad.png" is not in the archive']);
  const outside = lintCard(card, []).filter((f) => f.field.startsWith("assets"));
  assert.deepEqual(outside.map((f) => f.field), ["assets[0].uri", "assets[1].uri"]);
  assert.match(outside[0]!.message, /only resolves inside a CharX archive$/);
});

test("regex scripts a card carries: broken ones and ones that never run are warned about", async () => {
  const { card } = parseCardObject(v2Card({ extensions: { regex_scripts: [{ scriptName: "wi", findRegex: "/a/", placement: [5] }, { scriptName: "broken", findRegex: 3 }] } }), { source: "c.json" });
  const found = lintCard(card).filter((f) => f.field.startsWith("extensions.regex_scripts"));
  assert.deepEqual(found.map((f) => `${f.field}: ${f.message}`), [
    'extensions.regex_scripts[1]: regex script "broken" findRegex must be text (found a number); it is not run',
    'extensions.regex_scripts[0]: regex script "wi" runs on world info but is not prompt-only: world info only passes through prompt-only scripts (SillyTavern 2025; 2024 also ran it)',
  ]);
});
