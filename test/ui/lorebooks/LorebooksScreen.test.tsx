import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { render } from "ink-testing-library";
import { LorebooksScreen } from "../../../src/ui/lorebooks/LorebooksScreen.tsx";
import { createApp } from "../../../src/app/app.ts";
import type { BookShelf } from "../../../src/ui/app/tuiApp.ts";
import { getLorebook } from "../../../src/store/lorebooks/lorebookFiles.ts";
import { defaultEntry, type Lorebook } from "../../../src/core/lorebook/model.ts";
import { toWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { until, settled, press as pressKeys, type TestStdin } from "../../support/frames.ts";


const ESC = "\x1b";
const DOWN = "\x1b[B";
const UP = "\x1b[A";

function tavernBook(name: string): Lorebook {
  const entry = (uid: number, comment: string, key: string[], content: string) => ({ ...defaultEntry(uid), comment, key, content });
  return {
    name,
    entries: [
      entry(0, "Docks", ["harbour", "docks"], "Fog sits on the docks."),
      entry(1, "Lighthouse", ["lighthouse"], "The lighthouse keeper is blind."),
      { ...entry(2, "Curfew", ["night"], "The town bell rings at ten."), constant: true },
    ],
    extra: {},
  };
}

/** A data directory with one user book, the bundled samples and cards, and the app's lorebooks on them. */
async function library() {
  const home = await mkdtemp(join(tmpdir(), "taproom-lore-ui-"));
  const env = { TAPROOM_HOME: home };
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(home, "lorebooks"), { recursive: true });
  await writeFile(join(home, "lorebooks", "harbour.json"), JSON.stringify({ ...toWorldInfo(tavernBook("Harbour Town")), name: "Harbour Town" }));
  const services = createApp({ env, cwd: home }).lore;
  return { home, env, services };
}

function mount(services: BookShelf, rows = 24) {
  let back = 0;
  let quit = 0;
  const app = render(<LorebooksScreen services={services} color={false} rows={rows} columns={80} onBack={() => back++} onQuit={() => quit++} />);
  return { ...app, backs: () => back, quits: () => quit };
}

async function press(stdin: TestStdin, ...keys: string[]) {
  await pressKeys(stdin, ...keys);
}

/** From the book list, opens the user's Harbour Town book. */
async function openHarbourTown(app: ReturnType<typeof mount>) {
  await until(app.lastFrame, (f) => f.includes("› Harbour Town"), "the book list");
  await settled();
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Harbour Town · 3 entries · yours"), "the user's book");
}

test("the book list shows each book with its entries, source and character; Enter opens one", async () => {
  const { services } = await library();
  const app = mount(services);
  const list = await until(app.lastFrame, (f) => f.includes("The Copper Tankard"), "the book list");
  assert.match(list, /› Harbour Town\s+3 entries · yours/);
  assert.match(list, /The Copper Tankard\s+16 entries · sample · Brindle/);
  await settled();
  await press(app.stdin, DOWN, "\r");
  const book = await until(app.lastFrame, (f) => f.includes("16 entries · sample (read-only)"), "the sample's entries");
  assert.match(book, /on  const #0 The Copper Tankard \(always\)\s+no keys · before char · order 10/);
  assert.match(book, /off       #15 Disabled draft\s+dragon/);
  await press(app.stdin, ESC);
  await until(app.lastFrame, (f) => f.includes("› The Copper Tankard"), "back on the list, on the book just left");
  await press(app.stdin, ESC);
  assert.equal(app.backs(), 1);
  app.unmount();
});

test("/ searches keys and titles as you type; the list scrolls within the rows", async () => {
  const { services } = await library();
  const app = mount(services, 12);
  await until(app.lastFrame, (f) => f.includes("The Copper Tankard"), "the book list");
  await settled();
  await press(app.stdin, DOWN, "\r");
  const book = await until(app.lastFrame, (f) => f.includes("sample (read-only)"), "the entries");
  assert.ok(book.split("\n").length <= 12, `the book fits in 12 rows:\n${book}`);
  assert.match(book, /1 of 16/);
  await press(app.stdin, "/", "r", "e", "g");
  const found = await until(app.lastFrame, (f) => f.includes("Search (4 of 16)"), "the search results");
  assert.match(found, /#7 Coins \(regex key\)/, "titles match too");
  assert.match(found, /#8 Old Hob \(regular\)/);
  assert.match(found, /#9 Wren \(regular\)/);
  assert.match(found, /#10 Regulars overview/);
  assert.doesNotMatch(found, /#1 Brindle/);
  await press(app.stdin, "\x7f", "\x7f", "\x7f", "c", "e", "l", "l", "a", "r");
  const key = await until(app.lastFrame, (f) => f.includes("Search (1 of 16)"), "a search by key");
  assert.match(key, /› on        #3 The cellar/);
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Entry #3 · The cellar"), "the entry opened from the search");
  await press(app.stdin, ESC);
  const back = await until(app.lastFrame, (f) => f.includes("Search (1 of 16)"), "the search kept");
  assert.match(back, /› on        #3/);
  await press(app.stdin, ESC);
  await until(app.lastFrame, (f) => !f.includes("Search") && f.includes("of 16"), "the search cleared");
  app.unmount();
});

test("edit fields: keys, logic, position, a bad probability is refused with a message; save and reload equal", async () => {
  const { services, env } = await library();
  const app = mount(services);
  await openHarbourTown(app);
  await press(app.stdin, DOWN, "\r");
  const editor = await until(app.lastFrame, (f) => f.includes("Entry #1 · Lighthouse"), "the editor");
  assert.ok(editor.split("\n").length <= 24, `the editor fits 24 rows:\n${editor}`);
  assert.match(editor, /› Title\s+Lighthouse/);
  assert.match(editor, /Keys\s+lighthouse/);
  assert.match(editor, /Logic\s+AND ANY/);
  assert.match(editor, /Probability\s+100/);
  // Keys: Enter opens the field, the typed text is appended, Enter keeps it.
  await press(app.stdin, DOWN, "\r", ", beacon, keeper", "\r");
  await until(app.lastFrame, (f) => /Keys\s+lighthouse, beacon, keeper/.test(f), "the new keys");
  // Secondary keys and their logic.
  await press(app.stdin, DOWN, "\r", "storm", "\r", DOWN, " ");
  await until(app.lastFrame, (f) => /Logic\s+AND ALL/.test(f), "the logic changed");
  await press(app.stdin, " ", " ");
  await until(app.lastFrame, (f) => /Logic\s+NOT ALL/.test(f), "the logic cycled");
  // Position: left from "before char" wraps to "outlet", then "at depth".
  await press(app.stdin, DOWN, DOWN, "\x1b[D");
  await until(app.lastFrame, (f) => /Position\s+outlet\n/.test(f), "the outlet position");
  await press(app.stdin, "\x1b[D");
  await until(app.lastFrame, (f) => /Position\s+at depth\n/.test(f), "the position");
  await press(app.stdin, DOWN, DOWN, DOWN, DOWN, DOWN);
  await until(app.lastFrame, (f) => /› Probability\s+100/.test(f), "on probability");
  await press(app.stdin, "\r", "\x7f", "\x7f", "\x7f", "150", "\r");
  const refused = await until(app.lastFrame, (f) => f.includes("Probability must be a whole number from 0 to 100"), "the validation error");
  assert.match(refused, /got "150"/);
  await press(app.stdin, "\x7f", "\x7f", "\x7f", "40", "\r");
  await until(app.lastFrame, (f) => /› Probability\s+40/.test(f), "the probability kept");
  await press(app.stdin, UP, UP, UP, UP, "\r", "\x7f", "-1", "\r");
  await until(app.lastFrame, (f) => f.includes("Depth must be a whole number from 0 to 10000"), "depth below 0 refused");
  await press(app.stdin, "\x7f", "\x7f", "2", "\r");
  await until(app.lastFrame, (f) => /› Depth\s+2\n/.test(f), "the new depth");
  await press(app.stdin, ESC);
  const list = await until(app.lastFrame, (f) => f.includes("· modified"), "the book marked modified");
  assert.match(list, /#1 Lighthouse\s+lighthouse, beacon, keeper · at depth 2 \(system\) · order 100/);
  await press(app.stdin, "s");
  await until(app.lastFrame, (f) => f.includes('Saved "Harbour Town"') && !f.includes("modified"), "saved");
  const saved = await getLorebook("Harbour Town", { env });
  assert.ok(saved);
  assert.equal(saved.file, join(env.TAPROOM_HOME, "lorebooks", "harbour.json"), "written over its own file");
  const entry = saved.book.entries.find((e) => e.uid === 1);
  assert.deepEqual(entry, {
    ...tavernBook("Harbour Town").entries[1]!,
    key: ["lighthouse", "beacon", "keeper"], keysecondary: ["storm"], selective: true, selectiveLogic: 1,
    position: 4, depth: 2, probability: 40, useProbability: true,
  });
  const reopened = await services.open("Harbour Town");
  assert.deepEqual(reopened.book.entries, saved.book.entries);
  app.unmount();
});

test("an entry set to Outlet takes a name; its row and the try-it line say where it goes; the file has SillyTavern's fields", async () => {
  const { services, env } = await library();
  const app = mount(services);
  await openHarbourTown(app);
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Entry #0 · Docks"), "the editor");
  await press(app.stdin, DOWN, DOWN, DOWN, DOWN, DOWN, "\x1b[D");
  const outlet = await until(app.lastFrame, (f) => /› Position\s+outlet\n/.test(f), "the outlet position");
  assert.match(outlet, /Outlet name\s+none: the entry goes nowhere/);
  await press(app.stdin, DOWN, DOWN, DOWN, "\r");
  await until(app.lastFrame, (f) => f.includes("Outlet name: used by {{outlet::name}} · Enter or Esc done"), "typing the name, with what it is for");
  await press(app.stdin, " harbour ", "\r");
  await until(app.lastFrame, (f) => /› Outlet name\s+harbour\n/.test(f), "the name kept, trimmed");
  await press(app.stdin, ESC);
  const list = await until(app.lastFrame, (f) => f.includes("· modified"), "back on the entries");
  assert.match(list, /#0 Docks\s+harbour, docks · outlet harbour · order 100/);
  await press(app.stdin, "t", "fog on the docks");
  const tried = await until(app.lastFrame, (f) => f.includes("✓ #0 Docks"), "the try-it line");
  assert.match(tried, /✓ #0 Docks: primary key matched · outlet harbour 100, ~6 tok/);
  await press(app.stdin, ESC, "s");
  await until(app.lastFrame, (f) => f.includes('Saved "Harbour Town"'), "saved");
  const file = JSON.parse(await readFile(join(env.TAPROOM_HOME, "lorebooks", "harbour.json"), "utf8"));
  assert.equal(file.entries["0"].position, 7);
  assert.equal(file.entries["0"].outletName, "harbour");
  assert.equal("outletName" in file.entries["1"], false, "entries left alone get no outlet field");
  app.unmount();
});

test("content is multi-line; add an entry, delete one after confirming; leaving unsaved asks first", async () => {
  const { services, env } = await library();
  const app = mount(services);
  await openHarbourTown(app);
  await press(app.stdin, "a");
  await until(app.lastFrame, (f) => f.includes("Entry #3 · (untitled)"), "a new entry");
  await press(app.stdin, "\r", "Gulls", "\r", DOWN, "\r", "gull, seabird", "\r", DOWN, DOWN, DOWN, "\r");
  await until(app.lastFrame, (f) => f.includes("Alt+Enter/Ctrl+J new line"), "the content editor");
  await press(app.stdin, "Gulls steal bread.", "\n", "They fear the bell.");
  const content = await until(app.lastFrame, (f) => f.includes("They fear the bell."), "two lines of content");
  assert.match(content, /│ Gulls steal bread\.\s+│\n│ They fear the bell\./);
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => /Content\s+Gulls steal bread\. … \(2 lines\)/.test(f), "the content kept");
  await press(app.stdin, ESC);
  await until(app.lastFrame, (f) => f.includes("#3 Gulls") && f.includes("4 entries · yours · modified"), "the entry added");
  await press(app.stdin, UP, UP, "d");
  await until(app.lastFrame, (f) => f.includes("Delete entry #1 Lighthouse? y/n"), "the delete question");
  await press(app.stdin, "n");
  await until(app.lastFrame, (f) => f.includes("Kept") && f.includes("#1 Lighthouse"), "kept on n");
  await press(app.stdin, "d", "y");
  await until(app.lastFrame, (f) => f.includes("Deleted entry #1") && !f.includes("#1 Lighthouse"), "deleted on y");
  await press(app.stdin, ESC);
  await until(app.lastFrame, (f) => f.includes("Unsaved changes: s save · d discard them"), "the unsaved question");
  await press(app.stdin, "x");
  await until(app.lastFrame, (f) => f.includes("Still editing"), "staying on another key");
  await press(app.stdin, ESC, "s");
  await until(app.lastFrame, (f) => f.includes("› Harbour Town") && f.includes("3 entries · yours"), "saved and back on the list");
  const saved = await getLorebook("Harbour Town", { env });
  assert.deepEqual(saved?.book.entries.map((e) => [e.uid, e.comment, e.key, e.content]), [
    [0, "Docks", ["harbour", "docks"], "Fog sits on the docks."],
    [2, "Curfew", ["night"], "The town bell rings at ten."],
    [3, "Gulls", ["gull", "seabird"], "Gulls steal bread.\nThey fear the bell."],
  ]);
  app.unmount();
});

test("a bundled sample is read-only: saving offers a copy into the user's books, which then takes its place", async () => {
  const { services, env } = await library();
  const app = mount(services);
  await until(app.lastFrame, (f) => f.includes("The Copper Tankard"), "the book list");
  await settled();
  await press(app.stdin, DOWN, "\r");
  await until(app.lastFrame, (f) => f.includes("sample (read-only)"), "the sample");
  await press(app.stdin, DOWN, "\r", ...Array(12).fill(DOWN));
  await until(app.lastFrame, (f) => /› Enabled\s+on/.test(f), "on Enabled");
  await press(app.stdin, " ", ESC, "s");
  await until(app.lastFrame, (f) => f.includes("bundled sample and read-only. Save a copy into your books"), "the copy question");
  await press(app.stdin, "n");
  await until(app.lastFrame, (f) => f.includes("Not saved"), "nothing saved on n");
  assert.equal((await getLorebook("The Copper Tankard", { env }))?.source, "sample");
  await press(app.stdin, "s", "y");
  await until(app.lastFrame, (f) => f.includes('Saved a copy of "The Copper Tankard" into your books') && f.includes("16 entries · yours"), "the copy saved");
  const copy = await getLorebook("The Copper Tankard", { env });
  assert.equal(copy?.source, "user");
  assert.equal(copy?.book.entries.find((e) => e.uid === 1)?.disable, true);
  const list = (await services.list()).filter((b) => !b.card);
  assert.deepEqual(list.map((b) => `${b.name}: ${b.source}`).sort(), ["Harbour Town: user", "The Copper Tankard: user"], "the copy took the sample's place");
  app.unmount();
});

test("the try-it line shows which entries fire for typed text and why the others do not", async () => {
  const { services } = await library();
  const app = mount(services, 30);
  await until(app.lastFrame, (f) => f.includes("The Copper Tankard"), "the book list");
  await settled();
  await press(app.stdin, DOWN, "\r");
  await until(app.lastFrame, (f) => f.includes("sample (read-only)"), "the sample");
  await press(app.stdin, "t");
  await until(app.lastFrame, (f) => f.includes("Type some text"), "the try line");
  await press(app.stdin, "Brindle pours an Emberstout");
  const tried = await until(app.lastFrame, (f) => f.includes("entries fire"), "the verdicts");
  assert.match(tried, /The Copper Tankard: \d+ of 16 entries fire/);
  assert.match(tried, /✓ #0 The Copper Tankard \(always\): constant entry · before_char 10, ~\d+ tok/);
  assert.match(tried, /✓ #1 Brindle: primary key matched · before_char 50, ~\d+ tok/);
  assert.match(tried, /✓ #2 Emberstout: /);
  assert.match(tried, /· #15 Disabled draft: entry is disabled/);
  assert.match(tried, /· #8 Old Hob \(regular\): no primary key/);
  await press(app.stdin, ESC);
  await until(app.lastFrame, (f) => f.includes("t try text"), "back to the entries");
  app.unmount();
});

test("hostile regex keys on the try line: the screen keeps drawing, the ordinary key fires, each slow key is stopped and named (issue 14)", { timeout: 120_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-lore-hostile-"));
  const { mkdir } = await import("node:fs/promises");
  await mkdir(join(home, "lorebooks"), { recursive: true });
  // Polynomial backtracking that passes the shape checks: minutes on this text if run on the UI thread.
  const keys = ["/.*e.*e.*e.*e.*e.*Q/", "/(?=.*e.*e.*e.*e.*Q)/", "/dra+gon/i"];
  const book: Lorebook = { name: "Hostile", entries: keys.map((key, uid) => ({ ...defaultEntry(uid), comment: `k${uid}`, key: [key], content: `content ${uid}` })), extra: {} };
  await writeFile(join(home, "lorebooks", "hostile.json"), JSON.stringify({ ...toWorldInfo(book), name: "Hostile" }));
  const app = mount(createApp({ env: { TAPROOM_HOME: home }, cwd: home }).lore, 40);
  await until(app.lastFrame, (f) => f.includes("› Hostile"), "the book list");
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Hostile · 3 entries · yours"), "the book");
  await press(app.stdin, "t");
  await until(app.lastFrame, (f) => f.includes("Type some text"), "the try line");
  await press(app.stdin, `${"e".repeat(1000)} dragon`);
  const tried = await until(app.lastFrame, (f) => f.includes("entries fire"), "the verdicts");
  assert.match(tried, /✓ #2 k2: primary key matched/);
  for (const key of keys.slice(0, 2)) assert.ok(tried.includes(key) && /stopped after \d+ ms/.test(tried), `${key} named as stopped in:\n${tried}`);
  // Still answering keys: the try line closes.
  await press(app.stdin, ESC);
  await until(app.lastFrame, (f) => f.includes("t try text"), "back to the entries");
  app.unmount();
});

test("import by path: a bad file gives one clear line, a good one joins the list selected", async () => {
  const { services, home } = await library();
  await writeFile(join(home, "broken.json"), "{ not json");
  await writeFile(join(home, "world.json"), JSON.stringify({ entries: { "0": { uid: 0, key: ["moon"], content: "Two moons.", comment: "Moons" } } }));
  const app = mount(services);
  await until(app.lastFrame, (f) => f.includes("The Copper Tankard"), "the book list");
  await settled();
  await press(app.stdin, "i");
  await until(app.lastFrame, (f) => f.includes("Import a lorebook"), "the import prompt");
  await press(app.stdin, "broken.json", "\r");
  const bad = await until(app.lastFrame, (f) => f.includes("Could not import"), "the import error");
  const line = bad.split("\n").find((l) => l.includes("Could not import")) ?? "";
  assert.match(line, /^Could not import: .*broken\.json: \(file\): not valid JSON/);
  await press(app.stdin, ...Array(11).fill("\x7f"), "world.json", "\r");
  // The notice and the list read again after the import (card books too) come in separate frames: wait for both.
  const good = await until(app.lastFrame, (f) => f.includes("Imported") && /› world\s+1 entry/.test(f), "the import, selected in the list");
  assert.match(good, /Imported "world" \(1 entry\)/);
  assert.match(good, /› world\s+1 entry · yours/);
  app.unmount();
});

test("leaving a changed book and answering d discards the changes, as in the card editor; the file is untouched", async () => {
  const { services, env } = await library();
  const app = mount(services);
  await openHarbourTown(app);
  await press(app.stdin, "d", "y", ESC);
  await until(app.lastFrame, (f) => f.includes("Unsaved changes: s save · d discard them"), "the question");
  await press(app.stdin, "d");
  await until(app.lastFrame, (f) => /› Harbour Town\s+3 entries/.test(f), "back on the list, nothing saved");
  assert.equal((await getLorebook("Harbour Town", { env }))?.book.entries.length, 3);
  app.unmount();
});

test("editing long content from a downloaded book: it gets the screen's rows, and escape sequences in it are drawn inert", async () => {
  const { home, services } = await library();
  const book = tavernBook("Harbour Town");
  const lines = Array.from({ length: 40 }, (_, i) => `Tide table row ${i}.`);
  book.entries[0] = { ...book.entries[0]!, content: `${lines.join("\n")}\x1b]0;pwned\x07` };
  await writeFile(join(home, "lorebooks", "harbour.json"), JSON.stringify({ ...toWorldInfo(book), name: "Harbour Town" }));
  const app = mount(services);
  await openHarbourTown(app);
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Entry #0 · Docks"), "the entry");
  await press(app.stdin, DOWN, DOWN, DOWN, DOWN, "\r");
  const frame = await until(app.lastFrame, (f) => f.includes("Alt+Enter/Ctrl+J new line"), "the content editor");
  assert.doesNotMatch(frame, /\x1b|\x07/, "no escape sequence reaches the terminal");
  const shown = frame.split("\n").filter((l) => /^│ Tide table row \d+\./.test(l)).length;
  assert.ok(shown >= 12, `the content shows ${shown} rows at once`);
  assert.match(frame, /Tide table row 39\./, "the cursor's end of the text is in view");
  assert.ok(frame.split("\n").length <= 24, "within the terminal");
  app.unmount();
});

test("Ctrl+C twice quits from the lorebooks screen, but not over a book with unsaved changes", async () => {
  const { services } = await library();
  const app = mount(services);
  await openHarbourTown(app);
  await press(app.stdin, "d", "y");
  await until(app.lastFrame, (f) => f.includes("modified"), "a changed book");
  await press(app.stdin, "\x03");
  await until(app.lastFrame, (f) => f.includes("Unsaved changes in this book: s saves them"), "the refusal");
  await press(app.stdin, "\x03");
  assert.equal(app.quits(), 0, "unsaved changes are never quit away");
  await press(app.stdin, ESC, "n");
  await until(app.lastFrame, (f) => f.includes("› Harbour Town"), "the list, the change discarded");
  await press(app.stdin, "\x03");
  await until(app.lastFrame, (f) => f.includes("Press Ctrl+C again to quit"), "the quit prompt");
  await press(app.stdin, DOWN);
  await until(app.lastFrame, (f) => !f.includes("Press Ctrl+C again"), "another key disarms it");
  await press(app.stdin, "\x03", "\x03");
  assert.equal(app.quits(), 1);
  app.unmount();
});

test("Esc in a field keeps what was typed, as in the card editor: no question, and no later key lands in the field", async () => {
  const { services, env } = await library();
  const app = mount(services);
  await openHarbourTown(app);
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Entry #0 · Docks"), "the editor");
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Title: Enter or Esc done"), "typing the title, the hint saying what Esc does");
  await press(app.stdin, " Quay", ESC);
  const kept = await until(app.lastFrame, (f) => /› Title\s+Docks Quay\n/.test(f) && f.includes("↑↓ field · Enter edit · Esc back to entries"), "the title kept on Esc");
  assert.doesNotMatch(kept, /Discard|y\/n/, "Esc asks nothing");
  // Keys pressed after that go to the field list, never into the title.
  await press(app.stdin, "y", "n", "z");
  await settled();
  assert.match(app.lastFrame() ?? "", /› Title\s+Docks Quay\n/);
  // An invalid value is not kept on Esc either: the message says why and the field stays open.
  await press(app.stdin, ...Array(10).fill(DOWN));
  await until(app.lastFrame, (f) => /› Probability\s+100/.test(f), "on probability");
  await press(app.stdin, "\r", "\x7f", "\x7f", "\x7f", "150", ESC);
  await until(app.lastFrame, (f) => f.includes("Probability must be a whole number from 0 to 100"), "the refusal");
  await press(app.stdin, "\x7f", "\x7f", "\x7f", "40", ESC);
  await until(app.lastFrame, (f) => /› Probability\s+40/.test(f), "the fixed value kept on Esc");
  // Content too: Esc keeps it; a second Esc leaves the entry, a third the book's question comes.
  await press(app.stdin, ...Array(6).fill(UP));
  await until(app.lastFrame, (f) => /› Content\s+Fog sits/.test(f), "on content");
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Enter or Esc done (kept, not yet saved)"), "the content editor's hint");
  await press(app.stdin, " Gulls cry.", ESC, ESC);
  const list = await until(app.lastFrame, (f) => f.includes("· modified") && f.includes("#0 Docks Quay"), "back on the entries");
  assert.doesNotMatch(list, /Gulls cry\.[a-z]/);
  await press(app.stdin, "s");
  await until(app.lastFrame, (f) => f.includes('Saved "Harbour Town"'), "saved");
  const entry = (await getLorebook("Harbour Town", { env }))?.book.entries.find((e) => e.uid === 0);
  assert.equal(entry?.comment, "Docks Quay");
  assert.equal(entry?.content, "Fog sits on the docks. Gulls cry.");
  assert.equal(entry?.probability, 40);
  app.unmount();
});
