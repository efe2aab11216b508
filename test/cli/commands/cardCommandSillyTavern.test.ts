import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { imageChunks, placeholderPng, readPngChunks } from "../../../src/core/cards/png.ts";
import { insertTextChunk } from "../../support/pngChunks.ts";

/** A lorebook entry the way SillyTavern writes it into a card: its own fields live in `extensions`. */
function stEntry(id: number, keys: string[], content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id, keys, secondary_keys: ["harbour"], comment: `entry ${id}`, content, constant: false, selective: true,
    insertion_order: 100 + id, enabled: true, position: "before_char", use_regex: true,
    extensions: {
      position: 4, exclude_recursion: false, display_index: id, probability: 80, useProbability: true, depth: 3,
      selectiveLogic: 2, group: "weather", group_override: false, group_weight: 100, prevent_recursion: true,
      delay_until_recursion: false, scan_depth: null, match_whole_words: null, use_group_scoring: false,
      case_sensitive: null, automation_id: "", role: 1, vectorized: false, sticky: 2, cooldown: 0, delay: 0,
    },
    ...extra,
  };
}

/** The shape SillyTavern exports: V2 in `data`, V1 fields mirrored at the top with its own extras. */
function sillyTavernCard(): Record<string, unknown> {
  const data = {
    name: "Wren Halloway",
    description: "{{char}} runs the ferry across the grey sound.\nShe counts every passenger twice.",
    personality: "dry, watchful, kind underneath",
    scenario: "A squall is coming and {{user}} has missed the last boat.",
    first_mes: "*Wren coils a rope.* \"You're late. The sound doesn't wait.\"",
    mes_example: "<START>\n{{user}}: How much?\n{{char}}: More than you'd like.\n<START>\n{{user}}: Is it safe?\n{{char}}: Safer than swimming.",
    creator_notes: "Works best with a slow pace.",
    system_prompt: "{{original}} Keep Wren terse.",
    post_history_instructions: "Never speak for {{user}}.",
    alternate_greetings: ["*The bell on the pier rings once.*", "\"Back again? Sit down, stay dry.\""],
    tags: ["ferry", "slow burn"],
    creator: "quill_and_tide",
    character_version: "1.3",
    extensions: {
      talkativeness: "0.4",
      fav: true,
      world: "Grey Sound",
      depth_prompt: { prompt: "Wren smells of tar and salt.", depth: 4, role: "system" },
      regex_scripts: [{ scriptName: "trim stars", findRegex: "/\\*+/g", replaceString: "" }],
    },
    character_book: {
      name: "Grey Sound lore",
      entries: [
        stEntry(0, ["squall", "storm"], "Squalls on the sound come from the north and last an hour."),
        stEntry(1, ["toll"], "The ferry toll is two coppers, or a story.", { position: "after_char" }),
      ],
      extensions: {},
    },
  };
  return {
    name: data.name, description: data.description, personality: data.personality, scenario: data.scenario,
    first_mes: data.first_mes, mes_example: data.mes_example,
    creatorcomment: data.creator_notes, avatar: "none", chat: "Wren Halloway - 2024-5-2 @18h 02m 11s 123ms",
    talkativeness: "0.4", fav: true, tags: data.tags,
    spec: "chara_card_v2", spec_version: "2.0", data,
    create_date: "2024-5-2 @18h 02m 11s 123ms",
  };
}

/** SillyTavern's PNG: one tEXt `chara` chunk after the image data, no ccv3. */
function sillyTavernPng(card: unknown): Uint8Array {
  const base = placeholderPng({ size: 24, rgb: [40, 70, 90] });
  return insertTextChunk(base, "chara", Buffer.from(JSON.stringify(card), "utf8").toString("base64"));
}

/** Every text and number in a JSON value, as the leaves a reader must be able to find. */
function leaves(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(...value.split("\n").filter((l) => l.trim() !== ""));
  else if (typeof value === "number" || typeof value === "boolean") out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      leaves(v, out);
    }
  }
  return out;
}

test("card show of a SillyTavern V2 PNG shows every field; its V3 PNG export re-imports equal", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-st-"));
  try {
    const card = sillyTavernCard();
    await writeFile(join(home, "Wren.png"), sillyTavernPng(card));
    const io = captureIO({ TAPROOM_HOME: home });
    io.cwd = home;
    assert.equal(await runCli(["card", "show", "Wren.png"], io), 0, io.err());
    const shown = io.out();
    assert.equal(io.err(), "");
    assert.match(shown, /^image: 24x24 PNG, \d+ bytes with the card$/m);
    const structural = new Set(["spec", "spec_version", "data"]);
    assert.match(shown, /^format: png \(v2 chara_card_v2 2\.0\)$/m);
    const missing = leaves(card).filter((leaf) => !structural.has(leaf)).filter((leaf) => !shown.includes(leaf.trim()));
    assert.deepEqual(missing, [], "every key and value of the card appears in card show");

    assert.equal(await runCli(["card", "import", "Wren.png"], io), 0, io.err());
    assert.equal(await runCli(["card", "export", "Wren Halloway", "--format", "png", "--out", "wren-v3.png"], io), 0, io.err());
    const exported = new Uint8Array(await readFile(join(home, "wren-v3.png")));
    const keywords = readPngChunks(exported, "wren-v3.png").filter((c) => c.type === "tEXt").map((c) => Buffer.from(c.data).toString("latin1").split("\0")[0]);
    assert.deepEqual(keywords, ["chara", "ccv3"]);
    assert.deepEqual(imageChunks(exported).map((c) => Buffer.from(c).toString("hex")), imageChunks(sillyTavernPng(card)).map((c) => Buffer.from(c).toString("hex")));

    const json = async (query: string) => {
      const out = captureIO({ TAPROOM_HOME: home });
      out.cwd = home;
      assert.equal(await runCli(["card", "show", query, "--json"], out), 0, out.err());
      return JSON.parse(out.out()).card;
    };
    assert.equal(await runCli(["card", "import", "wren-v3.png"], io), 0, io.err());
    assert.match(io.out(), /wren-v3\.png: imported "Wren Halloway" as wren-halloway-2/);
    const original = await json("wren-halloway");
    const reimported = await json("wren-halloway-2");
    assert.deepEqual(reimported, original);
    assert.deepEqual(reimported.data.extensions, card.data && (card.data as Record<string, unknown>).extensions);
    assert.deepEqual(reimported.data.character_book, (card.data as Record<string, unknown>).character_book);
    for (const key of ["creatorcomment", "avatar", "chat", "talkativeness", "fav", "create_date"]) assert.deepEqual(reimported[key], card[key], key);

    assert.equal(await runCli(["card", "export", "wren-halloway-2", "--format", "png", "--out", "again.png"], io), 0, io.err());
    assert.deepEqual(await readFile(join(home, "again.png")), Buffer.from(exported), "exporting the re-imported card gives the same bytes");

    assert.equal(await runCli(["card", "export", "wren-halloway-2", "--format", "v2json", "--out", "back.json"], io), 0, io.err());
    const v2 = JSON.parse(await readFile(join(home, "back.json"), "utf8"));
    assert.deepEqual(v2, card, "V2 -> V3 PNG -> V2 JSON gives SillyTavern's card back");
    assert.deepEqual((await readdir(join(home, "characters"))).sort(), ["wren-halloway-2.png", "wren-halloway.png"]);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
