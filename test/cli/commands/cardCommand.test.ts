import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { json, v2Card } from "../../support/cards.ts";
import { readCardFile } from "../../../src/store/cards/cardFiles.ts";

async function withHome(fn: (home: string, io: ReturnType<typeof captureIO>) => Promise<void>) {
  const home = await mkdtemp(join(tmpdir(), "taproom-cli-"));
  try {
    const io = captureIO({ TAPROOM_HOME: home });
    io.cwd = home;
    await fn(home, io);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

test("card import, list, show, export through the CLI", async () => {
  await withHome(async (home, io) => {
    await writeFile(join(home, "evil.json"), json(v2Card({ name: "Evil", description: "hi \x1b]52;c;aGVsbG8=\x07 there \x1b[2J" })));
    assert.equal(await runCli(["card", "import", "evil.json"], io), 0);
    assert.match(io.out(), /evil\.json: imported "Evil" as evil/);
    assert.equal(await runCli(["card", "list"], io), 0);
    assert.match(io.out(), /evil\s+Evil \(json, v2\)/);
    assert.match(io.out(), /samples\/brindle\s+Brindle/);
    assert.equal(await runCli(["card", "show", "Evil"], io), 0);
    assert.match(io.out(), /description: hi  there/);
    assert.doesNotMatch(io.out(), /\x1b/);
    assert.match(io.out(), /alternate_greetings:\n  \[1\] Another night\./);
    assert.match(io.out(), /x_data_unknown/);
    const showJson = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["card", "show", "evil", "--json"], showJson), 0);
    assert.match(JSON.parse(showJson.out()).card.data.description, /\x1b\]52/);
    assert.equal(await runCli(["card", "export", "Evil", "--format", "png", "--out", "evil.png"], io), 0);
    const exported = await readCardFile(join(home, "evil.png"));
    assert.equal(exported.card.character.name, "Evil");
    assert.doesNotMatch(io.err(), /not kept/);
    const lossy = captureIO({ TAPROOM_HOME: home });
    lossy.cwd = home;
    assert.equal(await runCli(["card", "export", "Tock", "--format", "json", "--out", "tock.json"], lossy), 0);
    assert.match(lossy.err(), /tock\.json: not kept: 2 archive files \(assets\/icon\/images\/main\.png, assets\/emotion\/images\/happy\.png\) can only travel in a CharX; export --format charx to keep everything\n$/);
    assert.equal(await runCli(["card", "import", "evil.png"], io), 0);
    assert.deepEqual((await readdir(join(home, "characters"))).sort(), ["evil-2.png", "evil.json"]);
  });
});

test("bad input: one line on stderr naming the file, exit 1; usage errors exit 2", async () => {
  await withHome(async (home, io) => {
    await writeFile(join(home, "bad.json"), "{nope");
    assert.equal(await runCli(["card", "import", "bad.json"], io), 1);
    assert.match(io.err(), /^taproom card: .*bad\.json: not valid JSON.*\ntaproom card: nothing imported \(1 of 1 files could not be read\)\n$/);
    assert.equal(await runCli(["card", "export", "Brindle", "--format", "gif", "--out", "x"], io), 2);
    assert.equal(await runCli(["card", "show", "Nobody"], io), 1);
    const hostile = captureIO({ TAPROOM_HOME: home });
    hostile.cwd = home;
    await writeFile(join(home, "title.json"), '{"name": \x1b]0;pwned\x07 }');
    assert.equal(await runCli(["card", "import", "title.json"], hostile), 1);
    assert.match(hostile.err(), /^taproom card: .*title\.json: not valid JSON [^\n]*\ntaproom card: nothing imported/);
    assert.doesNotMatch(hostile.err(), /[\x1b\x07]/, "the quoted bytes reach the terminal inert");
    await assert.rejects(readdir(join(home, "characters")), /ENOENT/, "nothing was added to the library");
    const mixed = captureIO({ TAPROOM_HOME: home });
    mixed.cwd = home;
    await writeFile(join(home, "good.json"), json(v2Card()));
    assert.equal(await runCli(["card", "import", "good.json", "bad.json", "title.json"], mixed), 1);
    assert.match(mixed.err(), /bad\.json: not valid JSON.*\n.*title\.json: not valid JSON.*\ntaproom card: nothing imported \(2 of 3 files could not be read; --skip-bad imports the other 1\)\n$/);
    assert.equal(await runCli(["card", "import", "good.json", "bad.json", "--skip-bad"], mixed), 1);
    assert.match(mixed.out(), /good\.json: imported "Ilsa" as ilsa/);
    assert.match(mixed.err(), /taproom card: .*bad\.json: not valid JSON.*; skipped\n$/);
    assert.deepEqual(await readdir(join(home, "characters")), ["ilsa.json"]);
  });
});

test("card lint reports findings and exits 1 on errors", async () => {
  await withHome(async (home, io) => {
    await writeFile(join(home, "l.json"), json(v2Card({ name: "", scenario: "{user} arrives" })));
    assert.equal(await runCli(["card", "lint", "l.json"], io), 1);
    assert.match(io.out(), /error: name: missing name/);
    assert.match(io.out(), /warning: scenario: "\{user\}" looks like a misspelt macro/);
    const typed = captureIO({ TAPROOM_HOME: home });
    typed.cwd = home;
    await writeFile(join(home, "types.json"), json(v2Card({ description: ["a"], tags: { a: 1 }, personality: 7 })));
    assert.equal(await runCli(["card", "lint", "types.json"], typed), 1);
    assert.match(typed.out(), /types\.json: error: data\.description: expected text, got a list; taproom refuses the card until this is fixed\n.*types\.json: error: data\.tags: expected a list of text, got an object/);
    assert.match(typed.out(), /types\.json: warning: data\.personality: expected text, got a number; converted/);
    const clean = captureIO({ TAPROOM_HOME: home });
    clean.cwd = home;
    await writeFile(join(home, "ok.json"), json(v2Card()));
    assert.equal(await runCli(["card", "lint", "ok.json"], clean), 0);
    assert.match(clean.out(), /no problems found/);
  });
});

test("card delete moves a card to the trash (its chats are kept), card trash lists it, card restore puts it back", async () => {
  await withHome(async (home, io) => {
    await writeFile(join(home, "ilsa.json"), json(v2Card()));
    assert.equal(await runCli(["card", "import", "ilsa.json"], io), 0);
    const del = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["card", "delete", "Ilsa"], del), 0);
    assert.match(del.out(), /^moved "Ilsa" \(ilsa\) to the trash: .*\.trash.*ilsa\.json; its chats are kept \(taproom card restore ilsa brings it back\)\n$/);
    assert.deepEqual(await readdir(join(home, "characters")), [".trash"]);
    const trash = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["card", "trash"], trash), 0);
    assert.match(trash.out(), /^ilsa  Ilsa \(json, deleted \d{4}-\d\d-\d\d \d\d:\d\d UTC\)\n$/);
    const restore = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["card", "restore", "ilsa"], restore), 0);
    assert.match(restore.out(), /restored "Ilsa" as ilsa: .*characters\/ilsa\.json/);
    assert.deepEqual((await readdir(join(home, "characters"))).sort(), [".trash", "ilsa.json"]);
    const empty = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["card", "trash"], empty), 0);
    assert.equal(empty.out(), "The trash is empty.\n");
    const refused = captureIO({ TAPROOM_HOME: home });
    assert.equal(await runCli(["card", "delete", "Brindle"], refused), 1);
    assert.match(refused.err(), /bundled sample cards are read-only/);
    assert.equal(await runCli(["card", "restore", "nobody"], refused), 1);
    assert.match(refused.err(), /no deleted character named "nobody" in the trash/);
  });
});
