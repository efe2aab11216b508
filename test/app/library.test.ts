import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLibraryService, expandPath } from "../../src/app/library.ts";
import { CardDeletedError } from "../../src/app/chats/chats.ts";
import { createApp } from "../../src/app/app.ts";
import { CardLibrary, ReadOnlyCardError } from "../../src/store/cards/library.ts";
import { readCardFile } from "../../src/store/cards/cardFiles.ts";
import { placeholderPng, writePngCard } from "../../src/core/cards/png.ts";
import { CardFieldError } from "../../src/core/cards/cardFields.ts";
import { json, v2Card, v3Card } from "../support/cards.ts";

let home: string;
let inbox: string;
const samples = new URL("../../characters/", import.meta.url).pathname;

function services() {
  const library = new CardLibrary({ dir: join(home, "characters"), indexPath: join(home, "cache", "index.json"), bundledDir: samples });
  return createLibraryService(library, { cwd: inbox, home: inbox });
}

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-cardsvc-"));
  inbox = await mkdtemp(join(tmpdir(), "taproom-cardsvc-in-"));
  await writeFile(join(inbox, "ilsa.json"), json(v2Card()));
  await writeFile(join(inbox, "three.png"), writePngCard(placeholderPng({ size: 8 }), { chara: json(v2Card()), ccv3: json(v3Card()) }));
  await writeFile(join(inbox, "broken.json"), json(v2Card({ alternate_greetings: { not: "a list" } })));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(inbox, { recursive: true, force: true });
});

test("typed paths: ~ is the home directory, quotes from drag-and-drop are dropped, relative paths start at the cwd", () => {
  assert.equal(expandPath("~/cards/a.png", "/work", "/home/me"), "/home/me/cards/a.png");
  assert.equal(expandPath("~", "/work", "/home/me"), "/home/me");
  assert.equal(expandPath("'/tmp/my card.png' ", "/work", "/home/me"), "/tmp/my card.png");
  assert.equal(expandPath("a.json", "/work", "/home/me"), "/work/a.json");
  assert.equal(expandPath("~other/a.json", "/work", "/home/me"), "/work/~other/a.json");
});

test("import by path: a new card, then the same file again reported as a duplicate", async () => {
  const cards = services();
  const first = await cards.importFile("~/ilsa.json");
  assert.deepEqual([first.status, first.id, first.name, first.source], ["imported", "ilsa", "Ilsa", join(inbox, "ilsa.json")]);
  const again = await cards.importFile("ilsa.json");
  assert.deepEqual([again.status, again.id], ["duplicate", "ilsa"]);
  const { cards: list } = await cards.list();
  assert.equal(list.filter((c) => !c.bundled).length, 1);
});

test("a bad file is refused with one line naming the file and the field, and the library is unchanged", async () => {
  const cards = services();
  await assert.rejects(cards.importFile("~/broken.json"), (error: Error) => {
    assert.match(error.message, /broken\.json: .*alternate_greetings/);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
  await assert.rejects(cards.importFile("~/missing.png"), /missing\.png: cannot be read \(ENOENT\)/);
  assert.equal((await cards.list()).cards.filter((c) => !c.bundled).length, 0);
});

test("a card in full: fields for the editor, the greetings a chat can open with, the lorebook", async () => {
  const cards = services();
  await cards.importFile("ilsa.json");
  const ilsa = await cards.load("ilsa");
  assert.equal(ilsa.fields.name, "Ilsa");
  assert.equal(ilsa.fields.tags, "sea, calm");
  assert.equal(ilsa.fields.post_history_instructions, "Stay in character.");
  assert.deepEqual(ilsa.greetings, ["The lamp is lit.", "Another night.", "Fog again."]);
  assert.equal(ilsa.alternateGreetings, 2);
  assert.equal(ilsa.hasBook, true);
  assert.equal(ilsa.bundled, false);
});

test("saving edited fields rewrites the card's own file; reading it back gives the edit and everything else intact", async () => {
  const cards = services();
  await cards.importFile("three.png");
  const before = await readFile(join(home, "characters", "ilsa-three.png"));
  const three = await cards.load("ilsa-three");
  const after = await cards.save("ilsa-three", { ...three.fields, scenario: "A calm night.\nThe sea is flat.", tags: "sea,  night, sea, " });
  assert.equal(after.fields.scenario, "A calm night.\nThe sea is flat.");
  assert.equal(after.fields.tags, "sea, night");
  const onDisk = await readFile(join(home, "characters", "ilsa-three.png"));
  assert.notDeepEqual(onDisk, before);
  const reread = await readCardFile(join(home, "characters", "ilsa-three.png"));
  const c = reread.card.character;
  assert.equal(reread.format, "png");
  assert.equal(c.scenario, "A calm night.\nThe sea is flat.");
  assert.deepEqual(c.tags, ["sea", "night"]);
  assert.equal(c.nickname, "Ils");
  assert.deepEqual(c.extensions.x_unknown, { deep: [1, 2] });
  assert.equal(c.character_book?.entries.length, 2);
  assert.ok((c.modification_date ?? 0) > 1700000100, "a V3 card records when it was changed");
  assert.deepEqual((await cards.load("ilsa-three")).fields, after.fields);
});

test("a blank name is refused; bundled samples refuse to save and can be copied to edit", async () => {
  const cards = services();
  await cards.importFile("ilsa.json");
  const ilsa = await cards.load("ilsa");
  await assert.rejects(cards.save("ilsa", { ...ilsa.fields, name: "  " }), CardFieldError);
  const sample = await cards.load("samples/brindle");
  assert.equal(sample.bundled, true);
  await assert.rejects(cards.save("samples/brindle", { ...sample.fields, scenario: "x" }), ReadOnlyCardError);
  const copy = await cards.copyToLibrary("samples/brindle");
  assert.deepEqual([copy.status, copy.id], ["imported", "brindle"]);
  const saved = await cards.save("brindle", { ...sample.fields, scenario: "Last orders." });
  assert.equal(saved.bundled, false);
  assert.equal(saved.fields.scenario, "Last orders.");
});

test("remove moves the user's card file to the trash; samples cannot be removed", async () => {
  const cards = services();
  await cards.importFile("ilsa.json");
  await cards.remove("ilsa");
  assert.equal((await cards.list()).cards.some((c) => c.id === "ilsa"), false);
  assert.deepEqual((await cards.trash()).map((t) => [t.id, t.name]), [["ilsa", "Ilsa"]]);
  await assert.rejects(cards.remove("samples/brindle"), ReadOnlyCardError);
});

test("a new chat can open on an alternate greeting the person picked", async () => {
  const env = { TAPROOM_HOME: home };
  const app = createApp({ env, cwd: inbox, home: inbox });
  const detail = await app.library.load("samples/brindle");
  const chat = await app.chats.open({ characterId: "samples/brindle", fresh: true, greetingIndex: 2 });
  const greeting = chat.chat().messages[0];
  assert.equal(greeting?.swipeIndex, 2);
  assert.equal(greeting?.swipes[2]?.text, detail.greetings[2]);
  // Resuming (no fresh, no greeting) reopens that chat rather than starting another.
  const resumed = await app.chats.open({ characterId: "samples/brindle" });
  assert.equal(resumed.chat().id, chat.chat().id);
  await app.close();
});

test("a deleted card's chats stay listed and open with the card from the trash; new chats wait for a restore", async () => {
  const env = { TAPROOM_HOME: home };
  const app = createApp({ env, cwd: inbox, home: inbox });
  await app.library.importFile(join(inbox, "ilsa.json"));
  const chat = await app.chats.open({ characterId: "ilsa", fresh: true });
  await app.library.remove("ilsa");
  const [listed] = await app.chats.list();
  assert.deepEqual([listed?.id, listed?.characterId], [chat.chat().id, "ilsa"]);
  assert.deepEqual((await app.library.trash()).map((t) => t.id), ["ilsa"]);
  const reopened = await app.chats.open({ characterId: "ilsa", chatId: chat.chat().id });
  assert.equal(reopened.character.name, "Ilsa");
  assert.deepEqual(reopened.chat().messages.map((m) => m.swipes[m.swipeIndex]?.text), chat.chat().messages.map((m) => m.swipes[m.swipeIndex]?.text));
  assert.match(reopened.notice ?? "", /Ilsa's card is in the trash \(u on the home screen restores it\)/);
  await assert.rejects(app.chats.open({ characterId: "ilsa", fresh: true }), (e: unknown) => e instanceof CardDeletedError && /taproom card restore ilsa/.test(e.message));
  const restored = await app.library.restore("ilsa");
  assert.equal(restored.id, "ilsa");
  const again = await app.chats.open({ characterId: "ilsa", chatId: chat.chat().id });
  assert.doesNotMatch(again.notice ?? "", /trash/);
  await app.close();
});
