import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CardLibrary, CardNotFoundError, CardRestoreError, ReadOnlyCardError, TrashedCardNotFoundError } from "../../../src/store/cards/library.ts";
import { json, v1Card, v2Card } from "../../support/cards.ts";

let home: string;
const dir = () => join(home, "characters");
const library = () => new CardLibrary({ dir: dir(), indexPath: join(home, "cache", "index.json"), bundledDir: null });

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-trash-"));
  await mkdir(dir(), { recursive: true });
  await writeFile(join(dir(), "ilsa.json"), json(v2Card()));
  await writeFile(join(dir(), "odo.json"), json(v1Card()));
});

afterEach(async () => {
  await rm(home, { recursive: true, force: true });
});

test("delete moves the card file into the trash folder, byte for byte; the library no longer lists it", async () => {
  const lib = library();
  const bytes = await readFile(join(dir(), "ilsa.json"));
  const trashed = await lib.delete("Ilsa");
  assert.deepEqual([trashed.id, trashed.name, trashed.file, trashed.format], ["ilsa", "Ilsa", "ilsa.json", "json"]);
  assert.ok(trashed.path.startsWith(join(dir(), ".trash")), trashed.path);
  assert.deepEqual(await readFile(trashed.path), bytes);
  assert.deepEqual((await readdir(dir())).sort(), [".trash", "odo.json"]);
  assert.deepEqual((await lib.list()).map((c) => c.id), ["odo"]);
  await assert.rejects(lib.get("ilsa"), CardNotFoundError);
  assert.deepEqual((await lib.trash()).map((t) => [t.id, t.name]), [["ilsa", "Ilsa"]]);
});

test("a chat's card is found by its id: in the library, else in the trash, marked as trashed and read-only", async () => {
  const lib = library();
  assert.equal((await lib.cardForChat("ilsa")).trashed, undefined);
  await lib.delete("ilsa");
  const card = await lib.cardForChat("ilsa");
  assert.equal(card.card.character.name, "Ilsa");
  assert.equal(card.id, "ilsa");
  assert.equal(card.trashed?.name, "Ilsa");
  assert.equal(card.card.character.character_book?.entries.length, 2, "the whole card, lorebook included");
  await assert.rejects(lib.save(card), (e: unknown) => e instanceof ReadOnlyCardError && /in the trash; restore it/.test(e.message));
  // A new card of the same name does not take the deleted one's id, so its chats stay with it.
  await writeFile(join(home, "ilsa-again.json"), json(v2Card({ description: "Another Ilsa." })));
  const [imported] = await lib.import([join(home, "ilsa-again.json")]);
  assert.equal(imported?.id, "ilsa-2");
  assert.equal((await lib.cardForChat("ilsa")).trashed?.id, "ilsa");
});

test("restore puts the card back under its own file and id; the latest deletion first; a file in the way is never replaced", async () => {
  const lib = library();
  const bytes = await readFile(join(dir(), "odo.json"));
  await lib.delete("odo");
  await lib.delete("ilsa");
  assert.deepEqual((await lib.trash()).map((t) => t.id), ["ilsa", "odo"]);
  const back = await lib.restore("Odo");
  assert.deepEqual([back.id, back.name, back.path], ["odo", "Odo", join(dir(), "odo.json")]);
  assert.deepEqual(await readFile(join(dir(), "odo.json")), bytes);
  assert.equal((await lib.cardForChat("odo")).trashed, undefined);
  assert.deepEqual((await lib.trash()).map((t) => t.id), ["ilsa"]);
  await writeFile(join(dir(), "ilsa.json"), json(v2Card({ description: "Put here by hand." })));
  await assert.rejects(lib.restore("ilsa"), (e: unknown) => e instanceof CardRestoreError && e.message.includes("ilsa.json already exists: move it away to restore Ilsa"));
  assert.match(await readFile(join(dir(), "ilsa.json"), "utf8"), /Put here by hand/);
  assert.equal((await lib.trash()).length, 1, "still in the trash");
  await assert.rejects(lib.restore("nobody"), TrashedCardNotFoundError);
});
