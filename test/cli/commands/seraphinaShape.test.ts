// A card shaped like SillyTavern's own default card (default/content/default_Seraphina.png, a V2
// PNG, too big to keep here): its book's entries carry `extensions.probability: null`, its
// `extensions.world` names the book it was imported as ("Eldoria"), and its V1 copies carry
// talkativeness as text. The text is ours. SillyTavern reads the book with convertCharacterBook
// (world-info.js): `probability ?? 100`, `selective || false`, extensions.position first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { placeholderPng } from "../../../src/core/cards/png.ts";
import { captureIO } from "../../support/cliIO.ts";
import { insertTextChunk } from "../../support/pngChunks.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

const entry = (id: number, keys: string[], content: string) => ({
  id, keys, secondary_keys: [], comment: "", content, constant: false, selective: false,
  insertion_order: 100, enabled: true, position: "before_char",
  extensions: { position: 0, probability: null, useProbability: false },
});

function wardenCard(): Record<string, unknown> {
  const data = {
    name: "Warden", description: "{{char}} watches over the old wood.", personality: "", scenario: "",
    first_mes: "*Warden lowers a lantern.* You are safe here.", mes_example: "", creator_notes: "", system_prompt: "",
    post_history_instructions: "", tags: [], creator: "", character_version: "1.0.0", alternate_greetings: [],
    extensions: { talkativeness: "0.5", fav: false, world: "Thornvale" },
    character_book: {
      name: "Thornvale",
      entries: [
        entry(0, ["thornvale", "wood", "forest"], "{{user}}: \"What is Thornvale?\"\n{{char}}: \"The wood you stand in.\""),
        entry(1, ["briar", "beast"], "Briars bite the unwary."),
        entry(2, ["glade", "refuge"], "The glade keeps the dark out."),
        entry(3, ["lantern", "light"], "The lantern never goes out."),
      ],
    },
  };
  return {
    name: data.name, description: data.description, personality: "", first_mes: data.first_mes, avatar: "none",
    chat: "Warden - 2024-1-1 @10h 00m 00s 000ms", mes_example: "", scenario: "", create_date: "2024-1-1 @10h 00m 00s 000ms",
    talkativeness: "0.5", fav: false, creatorcomment: "", spec: "chara_card_v2", spec_version: "2.0", data,
  };
}

async function home(): Promise<{ dir: string; run: (...args: string[]) => Promise<{ code: number; out: string; err: string }> }> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-warden-"));
  const png = insertTextChunk(placeholderPng({ size: 16 }), "chara", Buffer.from(JSON.stringify(wardenCard()), "utf8").toString("base64"));
  await writeFile(join(dir, "Warden.png"), png);
  await writeFile(join(dir, "chat.jsonl"), [
    { user_name: "Ben", character_name: "Warden", chat_metadata: {} },
    { name: "Warden", is_user: false, mes: "*Warden lowers a lantern.* You are safe here." },
    { name: "Ben", is_user: true, mes: "What is this forest?" },
  ].map((l) => JSON.stringify(l)).join("\n"));
  const run = async (...args: string[]) => {
    const io = captureIO({ TAPROOM_HOME: dir });
    io.cwd = dir;
    const code = await runCli(args, io);
    return { code, out: io.out(), err: io.err() };
  };
  return { dir, run };
}

const REPAIR = /character_book entries 0-3: extensions\.probability: null, read as 100 \(SillyTavern's default\)/;

test("the card imports with its book, and the repair is said at import and in card lint", async () => {
  const { run } = await home();
  const imported = await run("card", "import", "Warden.png");
  assert.equal(imported.code, 0, imported.err);
  assert.match(imported.err, REPAIR);
  const lint = await run("card", "lint", "Warden.png");
  assert.equal(lint.code, 0);
  assert.match(lint.out, /warning: character_book entries 0-3: extensions\.probability/);
  assert.doesNotMatch(lint.out, /no problems found/);
  const list = await run("lore", "list");
  assert.match(list.out, /^Warden \(card book\)  \(4 entries, inside the card warden, user\)$/m);
  assert.match(list.out, /^ {2}repaired: .*warden\.png: character_book entries 0-3: extensions\.probability: null/m);
});

test("its book fires in taproom prompt; once the named world book is in the library, that book alone (no double lore)", async () => {
  const { run } = await home();
  assert.equal((await run("card", "import", "Warden.png")).code, 0);
  const first = await run("prompt", "--character", "Warden", "--chat", "chat.jsonl", "--template", "chatml", "--json");
  assert.equal(first.code, 0, first.err);
  const text = (JSON.parse(first.out) as { text: string }).text;
  // "forest" in the user's message fires entry 0, "lantern" in the greeting entry 3: before the character, macros
  // expanded ({{user}} is the chat's persona: the file's user_name, Ben, as in the app and taproom chat);
  // equal orders, so the later activated (3) comes first.
  assert.ok(text.includes("\nThe lantern never goes out.\nBen: \"What is Thornvale?\"\nWarden: \"The wood you stand in.\"\nWarden watches over the old wood.<|im_end|>"), text);
  assert.equal(text.split("The wood you stand in.").length, 2);
  assert.match(first.err, REPAIR, "the chat's readers are told too");
  // Import the card's book as the world book it names, as SillyTavern's "Import Card Lore" does.
  const lore = await run("lore", "import", "Warden.png");
  assert.equal(lore.code, 0, lore.err);
  assert.match(lore.out, /Imported "Thornvale" \(4 entries\)/);
  const second = await run("prompt", "--character", "Warden", "--chat", "chat.jsonl", "--template", "chatml", "--json");
  const again = (JSON.parse(second.out) as { text: string }).text;
  assert.equal(again.split("The wood you stand in.").length, 2, "the card's copy and the world book do not both fire");
  assert.doesNotMatch(second.err, REPAIR, "the library's book was written whole on import: nothing left to repair");
});

test("in a headless chat the book fires (chat --json lists it) and its repair is on stderr", async () => {
  const { dir, run } = await home();
  const model = await writeTinyChatModel(join(dir, "tiny.gguf"));
  assert.equal((await run("card", "import", "Warden.png")).code, 0);
  const chat = await run("chat", "--model", model, "--character", "Warden", "--message", "What is this forest?", "--temperature", "0", "--max-tokens", "4", "--threads", "1", "--context", "2048", "--gpu", "cpu", "--json");
  assert.equal(chat.code, 0, chat.err);
  assert.ok((JSON.parse(chat.out) as { lore: string[] }).lore.includes("Thornvale/0"), chat.out);
  assert.match(chat.err, REPAIR);
});
