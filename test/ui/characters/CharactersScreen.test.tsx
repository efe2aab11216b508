import { test, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CharactersScreen } from "../../../src/ui/characters/CharactersScreen.tsx";
import { createLibraryService } from "../../../src/app/library.ts";
import type { ChatTarget } from "../../../src/app/chats/session.ts";
import { CardLibrary } from "../../../src/store/cards/library.ts";
import { readCardFile } from "../../../src/store/cards/cardFiles.ts";
import { placeholderPng, writePngCard } from "../../../src/core/cards/png.ts";
import { json, v1Card, v2Card, v3Card } from "../../support/cards.ts";
import { tick, until } from "../../support/frames.ts";


let home: string;
let inbox: string;
let samples: string;
const userDir = () => join(home, "characters");

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "taproom-chars-"));
  inbox = await mkdtemp(join(tmpdir(), "taproom-chars-in-"));
  samples = await mkdtemp(join(tmpdir(), "taproom-chars-samples-"));
  await mkdir(userDir(), { recursive: true });
  await writeFile(join(userDir(), "ilsa.json"), json(v2Card()));
  await writeFile(join(userDir(), "odo.json"), json(v1Card()));
  await writeFile(join(userDir(), "ilsa-three.png"), writePngCard(placeholderPng({ size: 8 }), { chara: json(v2Card()), ccv3: json(v3Card({ tags: ["sea", "gothic"], creator: "anna" })) }));
  await writeFile(join(samples, "wren.json"), json(v2Card({ name: "Wren", tags: ["forest"], creator: "taproom", character_book: undefined, alternate_greetings: [] })));
  // Oldest to newest: Odo, Ilsa, Ilsa Three.
  await utimes(join(userDir(), "odo.json"), 1000, 1000);
  await utimes(join(userDir(), "ilsa.json"), 2000, 2000);
  await utimes(join(userDir(), "ilsa-three.png"), 3000, 3000);
  await writeFile(join(inbox, "marrow.json"), json(v2Card({ name: "Marrow", tags: ["crypt"], alternate_greetings: [] })));
  await writeFile(join(inbox, "bad.json"), json(v2Card({ tags: "not a list", first_mes: { nope: 1 } })));
  await writeFile(join(inbox, "copy-of-odo.json"), json(v1Card()));
});

afterEach(async () => {
  for (const dir of [home, inbox, samples]) await rm(dir, { recursive: true, force: true });
});

function mount(rows = 24) {
  const library = new CardLibrary({ dir: userDir(), indexPath: join(home, "cache", "index.json"), bundledDir: samples });
  const cards = createLibraryService(library, { cwd: inbox, home: inbox });
  const opened: ChatTarget[] = [];
  let back = 0;
  let quit = 0;
  const app = render(<CharactersScreen cards={cards} color={false} rows={rows} columns={100} onOpenChat={(t) => opened.push(t)} onBack={() => back++} onQuit={() => quit++} />);
  return { ...app, opened, backs: () => back, quits: () => quit };
}

async function press(app: { stdin: { write(s: string): void } }, keys: string) {
  app.stdin.write(keys);
  await tick(80);
}

/** Types text, then presses Enter in a separate read (one read would be a paste). */
async function typeLine(app: { stdin: { write(s: string): void } }, text: string) {
  await press(app, text);
  await press(app, "\r");
}

const rowsOf = (frame: string) => frame.split("\n").filter((l) => /^[› ] \S/.test(l)).map((l) => l.slice(2).split("  ")[0]);

test("browse: every card with tags, creator, format, lorebook and sample markers; a preview of the selected one", async () => {
  const app = mount();
  const frame = await until(app.lastFrame, (f) => f.includes("First message"), "the list and preview");
  assert.match(frame, /Characters · 4 cards · sort: name/);
  assert.deepEqual(rowsOf(frame), ["Ilsa", "Ilsa Three", "Odo", "Wren"]);
  assert.match(frame, /› Ilsa\s+sea, calm · by tester · JSON · lorebook/);
  assert.match(frame, /Ilsa Three\s+sea, gothic · by anna · PNG · lorebook/);
  assert.match(frame, /Wren\s+forest · by taproom · JSON · sample/);
  await until(app.lastFrame, (f) => f.includes("(+2 alternate greetings)"), "the alternate greeting count");
  assert.match(app.lastFrame() ?? "", /Description\nA lighthouse keeper\.\n[\s\S]*First message \(\+2 alternate greetings\)\nThe lamp is lit\./);
  await press(app, "\x1b[B");
  await press(app, "\x1b[B");
  await until(app.lastFrame, (f) => f.includes("› Odo") && f.includes("Fare's a copper."), "Odo's preview");
  app.unmount();
});

test("search filters by name and tag as you type; Esc clears it", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "/");
  await press(app, "goth");
  let frame = await until(app.lastFrame, (f) => rowsOf(f).length === 1, "the filtered list");
  assert.deepEqual(rowsOf(frame), ["Ilsa Three"]);
  assert.match(frame, /Search: goth/);
  await press(app, "\x7f\x7f\x7f\x7f");
  await press(app, "ODO");
  await until(app.lastFrame, (f) => rowsOf(f).join() === "Odo", "a name match, case-insensitive");
  await press(app, "\r");
  frame = await until(app.lastFrame, (f) => f.includes("filter: ODO"), "the kept filter");
  await press(app, "/");
  await press(app, "zzz");
  await until(app.lastFrame, (f) => f.includes('Nothing matches "ODOzzz"'), "no match");
  await press(app, "\x1b");
  frame = await until(app.lastFrame, (f) => rowsOf(f).length === 4, "all cards again");
  assert.doesNotMatch(frame, /filter:/);
  await press(app, "\x1b");
  assert.equal(app.backs(), 1, "Esc with no search goes back home");
  app.unmount();
});

test("s cycles the sort: name, recently changed, creator", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "s");
  let frame = await until(app.lastFrame, (f) => f.includes("sort: recently changed"), "the recent sort");
  // The sample was written by the test just now: the newest.
  assert.deepEqual(rowsOf(frame), ["Wren", "Ilsa Three", "Ilsa", "Odo"]);
  await press(app, "s");
  frame = await until(app.lastFrame, (f) => f.includes("sort: creator"), "the creator sort");
  assert.deepEqual(rowsOf(frame), ["Ilsa Three", "Wren", "Ilsa", "Odo"]);
  await press(app, "s");
  await until(app.lastFrame, (f) => f.includes("sort: name"), "back to names");
  app.unmount();
});

test("import by path: a new card is listed and selected; the same card again is a duplicate; a bad file says why", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "i");
  await until(app.lastFrame, (f) => f.includes("Import file:"), "the path prompt");
  await typeLine(app, "~/marrow.json");
  let frame = await until(app.lastFrame, (f) => f.includes("Imported Marrow as marrow"), "the import notice");
  assert.match(frame, /Characters · 5 cards/);
  assert.match(frame, /› Marrow/);
  assert.deepEqual((await readdir(userDir())).sort(), ["ilsa-three.png", "ilsa.json", "marrow.json", "odo.json"]);

  await press(app, "i");
  await typeLine(app, "copy-of-odo.json");
  frame = await until(app.lastFrame, (f) => f.includes("Already in the library"), "the duplicate notice");
  assert.match(frame, /Already in the library as odo: .*copy-of-odo\.json \(nothing imported\)/);
  assert.match(frame, /› Odo/);

  await press(app, "i");
  await typeLine(app, "~/bad.json");
  frame = await until(app.lastFrame, (f) => f.includes("Not imported"), "the error");
  assert.match(frame, /Not imported: .*bad\.json: data\.first_mes: expected text/);
  assert.match(frame, /Characters · 5 cards/);

  await press(app, "i");
  await press(app, "nothing-here");
  await press(app, "\x1b");
  frame = await until(app.lastFrame, (f) => !f.includes("Import file:"), "the prompt closed");
  assert.equal(app.backs(), 0, "Esc in the prompt only closes it");
  app.unmount();
});

test("edit a field and save: the card file changes on disk and reads back equal", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "e");
  let frame = await until(app.lastFrame, (f) => f.includes("Post-history instructions"), "the editor");
  await tick(); // the editor's input listener attaches after it mounts
  assert.match(frame, /› Name\s+Ilsa/);
  assert.match(frame, /Scenario\s+A storm\./);
  for (let i = 0; i < 3; i++) await press(app, "\x1b[B");
  await until(app.lastFrame, (f) => /› Scenario/.test(f), "the scenario field");
  await press(app, "\r");
  await until(app.lastFrame, (f) => f.includes("Editing Scenario of Ilsa"), "the field input");
  await press(app, " Rain");
  await press(app, "\n");
  await press(app, "Thunder.");
  await press(app, "\r");
  frame = await until(app.lastFrame, (f) => f.includes("unsaved"), "the changed field");
  assert.match(frame, /›\*Scenario\s+A storm\. Rain/);
  await press(app, "s");
  frame = await until(app.lastFrame, (f) => f.includes("Saved to"), "the save notice");
  assert.doesNotMatch(frame, /unsaved/);
  const onDisk = await readCardFile(join(userDir(), "ilsa.json"));
  assert.equal(onDisk.card.character.scenario, "A storm. Rain\nThunder.");
  assert.equal(onDisk.card.character.name, "Ilsa");
  assert.deepEqual(onDisk.card.character.extensions.x_unknown, { deep: [1, 2] });
  await press(app, "\x1b");
  await until(app.lastFrame, (f) => f.includes("Saved ilsa") && f.includes("› Ilsa"), "back in the list");
  app.unmount();
});

test("alternate greetings are edited as one text, each after a <GREETING> line; a new one is saved into the card", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "e");
  let frame = await until(app.lastFrame, (f) => f.includes("Post-history instructions"), "the editor");
  await tick();
  assert.match(frame, /Alternate greetings\s+2 · Another night\./, "counted, with the first one's start");
  for (let i = 0; i < 5; i++) await press(app, "\x1b[B");
  await until(app.lastFrame, (f) => /› Alternate greetings/.test(f), "the greetings field");
  await press(app, "\r");
  frame = await until(app.lastFrame, (f) => f.includes("Editing Alternate greetings of Ilsa · a line <GREETING> starts each one"), "the field input");
  assert.match(frame, /│ <GREETING>\s+│\n│ Another night\.\s+│\n│ <GREETING>\s+│\n│ Fog again\./);
  await press(app, "\n");
  await press(app, "<GREETING>");
  await press(app, "\n");
  await press(app, "*A third hello.*");
  await press(app, "\r");
  await until(app.lastFrame, (f) => /›\*Alternate greetings\s+3 · Another night\./.test(f), "three greetings, unsaved");
  await press(app, "s");
  await until(app.lastFrame, (f) => f.includes("Saved to"), "the save notice");
  const onDisk = await readCardFile(join(userDir(), "ilsa.json"));
  assert.deepEqual(onDisk.card.character.alternate_greetings, ["Another night.", "Fog again.", "*A third hello.*"]);
  assert.equal(onDisk.card.character.first_mes, "The lamp is lit.", "the first message is untouched");
  app.unmount();
});

test("leaving the editor with unsaved changes asks first; discarding leaves the file as it was", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "e");
  await until(app.lastFrame, (f) => f.includes("Post-history instructions"), "the editor");
  await tick(); // the editor's input listener attaches after it mounts
  await press(app, "\r");
  await press(app, "\x7f\x7f\x7f\x7f");
  await press(app, "Mara");
  await press(app, "\x1b");
  await until(app.lastFrame, (f) => /›\*Name\s+Mara/.test(f), "the edit kept in the field (Esc loses no typing)");
  await press(app, "\x03");
  await press(app, "\x03");
  await until(app.lastFrame, (f) => f.includes("Unsaved changes: s saves them"), "Ctrl+C refused while changes are unsaved");
  assert.equal(app.quits(), 0);
  await press(app, "\x1b");
  await until(app.lastFrame, (f) => f.includes("Unsaved changes (1 field): s save · d discard"), "the question");
  await press(app, "x");
  await until(app.lastFrame, (f) => f.includes("Still editing"), "still in the editor");
  await press(app, "\x1b");
  await press(app, "d");
  await until(app.lastFrame, (f) => f.includes("Characters · 4 cards"), "back in the list");
  assert.equal((await readCardFile(join(userDir(), "ilsa.json"))).card.character.name, "Ilsa");
  app.unmount();
});

test("a bundled sample is read-only: editing offers a copy in the library, deleting is refused", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  for (let i = 0; i < 3; i++) await press(app, "\x1b[B");
  await until(app.lastFrame, (f) => f.includes("› Wren"), "the sample");
  await press(app, "d");
  await until(app.lastFrame, (f) => f.includes("Wren is a sample that comes with taproom: it cannot be deleted"), "the refusal");
  await press(app, "e");
  await until(app.lastFrame, (f) => f.includes("Make an editable copy in your library? y/n"), "the offer");
  await press(app, "n");
  await until(app.lastFrame, (f) => f.includes("Nothing copied"), "no copy");
  assert.deepEqual((await readdir(userDir())).sort(), ["ilsa-three.png", "ilsa.json", "odo.json"]);
  await press(app, "e");
  await press(app, "y");
  const frame = await until(app.lastFrame, (f) => f.includes("Post-history instructions"), "the editor on the copy");
  assert.match(frame, /Copied Wren into your library as wren: editing the copy/);
  assert.match(frame, new RegExp(`Wren · ${join(userDir(), "wren.json").replace(/[.]/g, "\\.")}`));
  assert.ok((await readdir(userDir())).includes("wren.json"));
  app.unmount();
});

test("delete asks y/n saying the chats are kept: n keeps the card, y moves its file to the trash; u brings it back", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "\x1b[B\x1b[B");
  await until(app.lastFrame, (f) => f.includes("› Odo"), "Odo");
  await press(app, "d");
  await until(app.lastFrame, (f) => /Delete Odo \(.*odo\.json\)\? It goes to the trash and its chats\s+are kept\. y\/n/.test(f), "the question");
  await press(app, "n");
  await until(app.lastFrame, (f) => f.includes("Kept Odo"), "kept");
  await press(app, "d");
  await press(app, "y");
  const frame = await until(app.lastFrame, (f) => f.includes("Moved Odo to the trash; its chats are kept (u brings it back)"), "deleted");
  assert.deepEqual(rowsOf(frame), ["Ilsa", "Ilsa Three", "Wren"]);
  assert.match(frame, /Characters · 3 cards · sort: name · 1 in the trash \(u restores Odo\)/);
  assert.deepEqual((await readdir(userDir())).sort(), [".trash", "ilsa-three.png", "ilsa.json"]);
  const [folder] = await readdir(join(userDir(), ".trash"));
  assert.ok((await readdir(join(userDir(), ".trash", folder!))).includes("odo.json"), "the file is in the trash, not unlinked");
  await press(app, "u");
  const back = await until(app.lastFrame, (f) => f.includes("Restored Odo from the trash"), "restored");
  assert.deepEqual(rowsOf(back), ["Ilsa", "Ilsa Three", "Odo", "Wren"]);
  assert.match(back, /› Odo/);
  assert.doesNotMatch(back, /in the trash/);
  assert.deepEqual((await readdir(userDir())).sort(), [".trash", "ilsa-three.png", "ilsa.json", "odo.json"]);
  await press(app, "u");
  await until(app.lastFrame, (f) => f.includes("The trash is empty: nothing to restore"), "nothing more to undo");
  app.unmount();
});

test("Enter opens the character's chat; n starts a new one on the greeting picked", async () => {
  const app = mount();
  await until(app.lastFrame, (f) => f.includes("› Ilsa"), "the list");
  await tick();
  await press(app, "\r");
  assert.deepEqual(app.opened, [{ characterId: "ilsa" }]);
  await press(app, "n");
  const frame = await until(app.lastFrame, (f) => f.includes("which greeting?"), "the greeting picker");
  assert.match(frame, /› 1 First message: The lamp is lit\.\n\s+2 Alternate 1: Another night\.\n\s+3 Alternate 2: Fog again\./);
  await press(app, "\x1b[B");
  await press(app, "\r");
  assert.deepEqual(app.opened.at(-1), { characterId: "ilsa", fresh: true, greetingIndex: 1 });
  await press(app, "3");
  assert.deepEqual(app.opened.at(-1), { characterId: "ilsa", fresh: true, greetingIndex: 2 });
  app.unmount();
});

test("the screen stays within the terminal's rows, and card text is drawn inert", async () => {
  const long = Array.from({ length: 80 }, (_, i) => `Line ${i} of a very long description.`).join("\n");
  await writeFile(join(userDir(), "ilsa.json"), json(v2Card({ name: "Evil\x1b]0;pwned\x07 Ilsa", description: `\x1b]52;c;ZXZpbA==\x07${long}` })));
  const app = mount(24);
  let frame = await until(app.lastFrame, (f) => f.includes("(+2 alternate"), "the preview");
  assert.ok(frame.split("\n").length <= 23, `browse frame has ${frame.split("\n").length} rows`);
  assert.match(frame, /› Evil Ilsa/);
  assert.doesNotMatch(frame, /\x1b|\x07/);
  await press(app, "e");
  await until(app.lastFrame, (f) => f.includes("Post-history"), "the editor");
  await tick(); // the editor's input listener attaches after it mounts
  await press(app, "\x1b[B");
  frame = await until(app.lastFrame, (f) => /› Description/.test(f), "the description field");
  assert.ok(frame.split("\n").length <= 23, `editor frame has ${frame.split("\n").length} rows`);
  await press(app, "\r");
  frame = await until(app.lastFrame, (f) => f.includes("more rows"), "the long field in its input");
  assert.ok(frame.split("\n").length <= 23, `field input has ${frame.split("\n").length} rows`);
  assert.match(frame, /↑ \d+ more rows/);
  assert.match(frame, /Line 79 of a very long description\./);
  // The field uses the room there is (24 rows less title, border, marks and footer), not a few rows.
  const shown = frame.split("\n").filter((l) => /^│ Line \d+ of/.test(l)).length;
  assert.ok(shown >= 15, `the field shows ${shown} rows at once`);
  assert.equal((frame.match(/more rows/g) ?? []).length, 1, "one mark for the rows above, not one per window");
  assert.doesNotMatch(frame, /\x1b|\x07/);
  app.unmount();
});
