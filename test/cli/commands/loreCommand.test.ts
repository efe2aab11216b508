import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { captureIO } from "../../support/cliIO.ts";
import { loreCommand } from "../../../src/cli/commands/loreCommand.ts";
import { commands } from "../../../src/cli/commands/index.ts";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "taproom-lorecli-"));
  const io = { ...captureIO({ TAPROOM_HOME: dir }), cwd: dir };
  return { dir, io };
}

test("lore is registered", async () => assert.equal(await commands.find((c) => c.name === "lore")?.load(), loreCommand));

test("lore test explains fired entries with position, order and tokens, and why others did not", async () => {
  const { io } = setup();
  assert.equal(await loreCommand.run(["test", "The Copper Tankard", "--text", "Brindle, is there a brawl tonight?"], io), 0);
  const out = io.out();
  assert.match(out, /#1 Brindle\s+\[before_char, order 50, ~\d+ tokens\] key_matched/);
  assert.match(out, /#11 .*\[at_depth 2 \(system\), order 130/);
  assert.match(out, /#6 Quiet night.*secondary_failed/);
  assert.match(out, /#15 Disabled draft\s+disabled/);
  assert.match(out, /chars\/4/);
  assert.ok(out.indexOf("#0 ") < out.indexOf("#1 "));
});

test("lore test --chat reads a SillyTavern JSONL chat, newest first, and --json gives verdicts", async () => {
  const { dir, io } = setup();
  const chat = join(dir, "chat.jsonl");
  writeFileSync(chat, [
    JSON.stringify({ user_name: "You", character_name: "Brindle", chat_metadata: {} }),
    JSON.stringify({ name: "You", is_user: true, mes: "Tell me about the festival" }),
    JSON.stringify({ name: "Brindle", is_user: false, mes: "Ah, Wren came by.\u001b[2J" }),
    JSON.stringify({ name: "You", is_user: true, mes: "Pour me a mug." }),
  ].join("\n"));
  assert.equal(await loreCommand.run(["test", "The Copper Tankard", "--chat", chat, "--json"], io), 0);
  const r = JSON.parse(io.out());
  const v = (uid: number) => r.verdicts.find((x: { uid: number }) => x.uid === uid);
  assert.equal(v(9).fired, true); // Wren, in the last 2 messages
  assert.equal(v(12).outcome, "no_key_matched"); // festival is 3 messages back
  assert.equal(r.tokenizer, "chars/4");
  const { io: io2 } = setup();
  await loreCommand.run(["test", "The Copper Tankard", "--chat", chat, "--scan-depth", "3"], io2);
  assert.match(io2.out(), /#12 The Harvest Festival.*key_matched/);
  assert.ok(!io2.out().includes("\u001b"));
});

test("lore import, list --json, export st and card", async () => {
  const { dir, io } = setup();
  const src = join(dir, "in.json");
  writeFileSync(src, JSON.stringify({ entries: { "3": { uid: 3, key: ["k"], content: "c", sticky: 2, mystery: true } } }));
  assert.equal(await loreCommand.run(["import", src], io), 0);
  assert.match(io.out(), /Imported "in" \(1 entry\)/);
  const text = { ...captureIO({ TAPROOM_HOME: dir }), cwd: dir };
  assert.equal(await loreCommand.run(["list"], text), 0);
  assert.match(text.out(), /^in {2}\(1 entry, user\)$/m);
  await loreCommand.run(["list", "--json"], io);
  const listed = JSON.parse(io.out().slice(io.out().indexOf("[")));
  assert.equal(listed[0].name, "in");
  await loreCommand.run(["export", "in", "--format", "card", "--out", "card.json"], io);
  const card = JSON.parse(readFileSync(join(dir, "card.json"), "utf8"));
  assert.equal(card.entries[0].extensions.sticky, 2);
  assert.equal(card.entries[0].mystery, true);
  await loreCommand.run(["export", "in", "--format", "st", "--out", "st.json"], io);
  const st = JSON.parse(readFileSync(join(dir, "st.json"), "utf8"));
  assert.equal(st.entries["3"].mystery, true);
  await assert.rejects(loreCommand.run(["export", "in", "--format", "xml", "--out", "x"], io), /--format must be st or card/);
  await assert.rejects(loreCommand.run(["test", "nope", "--text", "x"], io), /no lorebook named "nope"/);
});

test("lore test with several books: the first takes the budget first; settings' worldInfo applies; list marks global books", async () => {
  const { dir, io } = setup();
  const a = join(dir, "chatbook.json");
  const b = join(dir, "world.json");
  writeFileSync(a, JSON.stringify({ entries: { "0": { uid: 0, key: ["ale"], comment: "Chat ale", content: "x".repeat(40), order: 1 } } }));
  writeFileSync(b, JSON.stringify({ entries: { "0": { uid: 0, key: ["ale"], comment: "World ale", content: "y".repeat(40), order: 900 }, "1": { uid: 1, key: ["old"], comment: "Old", content: "o" } } }));
  writeFileSync(join(dir, "settings.json"), JSON.stringify({ globalLorebooks: ["world"], worldInfo: { scanDepth: 1 } }));
  assert.equal(await loreCommand.run(["test", a, b, "--text", "old times", "--text", "more ale", "--context", "60"], io), 0);
  const out = io.out();
  assert.match(out, /chatbook#0 Chat ale\s+\[before_char, order 1/);
  assert.match(out, /world#0 World ale\s+budget_exhausted/);
  assert.match(out, /world#1 Old\s+no_key_matched/); // scan depth 1 from settings: "old times" is not scanned
  const { io: io2 } = setup();
  writeFileSync(join(io2.cwd, "settings.json"), JSON.stringify({ globalLorebooks: ["world"] }));
  await loreCommand.run(["import", b], io2);
  await loreCommand.run(["list"], io2);
  assert.match(io2.out(), /world  \(2 entries, user, global\)/);
  assert.match(io2.out(), /The Copper Tankard  \(\d+ entries, 1 disabled, \d+ constant, sample\)/);
});

test("lore test --character, --tag and --generation judge character filters, triggers and decorators; a chat's is_user counts replies", async () => {
  const { dir, io } = setup();
  const file = join(dir, "tavern.json");
  writeFileSync(file, JSON.stringify({ entries: {
    "0": { uid: 0, key: ["ale"], comment: "For Wren", content: "Wren's ale.", characterFilter: { isExclude: false, names: ["Wren"], tags: [] } },
    "1": { uid: 1, key: ["ale"], comment: "Not for bards", content: "No songs.", characterFilter: { isExclude: true, names: [], tags: ["bard"] } },
    "2": { uid: 2, key: ["ale"], comment: "Swipes only", content: "Again?", triggers: ["swipe"] },
    "3": { uid: 3, key: ["ale"], comment: "Late", content: "@@activate_only_after 2\nLast orders.", position: 0 },
  } }));
  assert.equal(await loreCommand.run(["test", file, "--text", "more ale", "--character", "Wren", "--tag", "bard"], io), 0);
  const out = io.out();
  assert.match(out, /#0 For Wren\s+\[before_char/);
  assert.match(out, /#1 Not for bards\s+character_filtered: not for characters tagged bard/);
  assert.match(out, /#2 Swipes only\s+trigger_mismatch: fires only on swipe \(this is a normal generation\)/);
  assert.match(out, /#3 Late\s+\[before_char.*key_matched/, "plain --text has no roles to count");
  const { io: io2 } = setup();
  await loreCommand.run(["test", file, "--text", "more ale", "--generation", "swipe"], io2);
  assert.match(io2.out(), /#2 Swipes only\s+\[before_char/);
  assert.match(io2.out(), /#0 For Wren\s+\[before_char/, "no --character: filters are not applied");
  const chat = join(dir, "chat.jsonl");
  writeFileSync(chat, [
    JSON.stringify({ name: "Brindle", is_user: false, mes: "Welcome." }),
    JSON.stringify({ name: "You", is_user: true, mes: "more ale" }),
  ].join("\n"));
  const { io: io3 } = setup();
  await loreCommand.run(["test", file, "--chat", chat], io3);
  assert.match(io3.out(), /#3 Late\s+decorator_schedule: @@activate_only_after 2: the chat has 1 character messages/);
  await assert.rejects(loreCommand.run(["test", file, "--text", "x", "--generation", "retry"], io), /--generation must be one of normal, continue/);
  await assert.rejects(loreCommand.run(["test", file, "--text", "x", "--tag", "bard"], io), /--tag needs --character/);
});

test("lore list shows the books inside cards too, and lore test takes one by its listed name", async () => {
  const { io } = setup();
  assert.equal(await loreCommand.run(["list"], io), 0);
  assert.match(io.out(), /^Maelis \(card book\)  \(5 entries, 1 constant, inside the card samples\/maelis-the-cartographer, sample\)$/m);
  assert.match(io.out(), /^The Copper Tankard  \(16 entries/m);
  const { io: json } = setup();
  await loreCommand.run(["list", "--json"], json);
  const card = JSON.parse(json.out()).find((b: { name: string }) => b.name === "Maelis (card book)");
  assert.deepEqual(card.card, { id: "samples/maelis-the-cartographer", name: "Maelis", format: "json" });
  const { io: tried } = setup();
  assert.equal(await loreCommand.run(["test", "maelis (card book)", "--text", "Is the Greyway safe in fog?"], tried), 0);
  assert.match(tried.out(), /#2 Greyway in fog\s+\[after_char/);
});

test("importing the same book again makes no copy and says so; a changed book still comes in beside it", async () => {
  const { dir, io } = setup();
  const src = join(dir, "tavern.json");
  writeFileSync(src, JSON.stringify({ entries: { "1": { uid: 1, key: ["ale"], content: "Emberstout is brewed here." } } }));
  assert.equal(await loreCommand.run(["import", src], io), 0);
  assert.equal(await loreCommand.run(["import", src], io), 0);
  assert.match(io.out(), /Already imported: "tavern" \(1 entry\) is .*tavern\.json, unchanged/);
  writeFileSync(src, JSON.stringify({ entries: { "1": { uid: 1, key: ["ale"], content: "Emberstout, now stronger." } } }));
  assert.equal(await loreCommand.run(["import", src], io), 0);
  assert.match(io.out(), /Imported "tavern \(2\)" \(1 entry\)/);
  assert.equal(await loreCommand.run(["import", src], io), 0);
  assert.deepEqual(readdirSync(join(dir, "lorebooks")).sort(), ["tavern _2_.json", "tavern.json"]);
});
