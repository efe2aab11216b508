// SillyTavern's "Outlet" position (7, named by outletName): activation, the explaining views, and the file round trip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { activateLore } from "../../../src/core/lorebook/activate.ts";
import { parseCharacterBook, toCharacterBook } from "../../../src/core/lorebook/characterBook.ts";
import { loreReport } from "../../../src/core/lorebook/report.ts";
import { summarizeActivation } from "../../../src/core/lorebook/summary.ts";
import { parseWorldInfo, toWorldInfo } from "../../../src/core/lorebook/worldInfo.ts";
import { chars } from "../../support/loreBooks.ts";

/** A SillyTavern export with outlet entries: "scene" twice, "Scene" once, one without a name, and one placed entry. */
const exported = JSON.parse(readFileSync(new URL("./fixtures/st-outlets.json", import.meta.url), "utf8"));
const opts = { file: "outlets.json", name: "Outlets" };

function activate(settings = {}) {
  const book = parseWorldInfo(exported, opts);
  return activateLore({ books: [book], messages: [{ text: "Rain, and a guard at the door." }], contextSize: 8192, tokenize: chars, settings });
}

test("an outlet entry's insertion is an outlet carrying its name as written, not a place in the prompt", () => {
  const r = activate();
  const byUid = (uid: number) => r.insertions.find((i) => i.entryId === `Outlets/${uid}`);
  assert.deepEqual(byUid(1), { entryId: "Outlets/1", content: "Rain drums on the roof over {{char}}.", position: "outlet", depth: 4, role: "system", order: 200, outlet: "scene" });
  assert.equal(byUid(0)?.outlet, "scene");
  assert.equal(byUid(2)?.outlet, "Scene", "case is kept: SillyTavern's outlet names are case-sensitive");
  assert.equal(byUid(3)?.outlet, "", "no name: activated all the same, placed nowhere");
  assert.equal(byUid(4)?.position, "before_char");
  assert.equal(byUid(4)?.outlet, undefined);
});

test("outlet entries spend the World Info budget like any other, so they can crowd out placed lore", () => {
  const all = activate();
  // Counted as world-info.js counts: the contents joined, each with its "\n", in one go.
  assert.equal(all.tokensUsed, 48, "every activated entry counts, outlets included");
  // Order 200 and 100 (the outlet "scene") go first and leave no room for the guard.
  const tight = activate({ budgetCap: 20 });
  const outcome = (uid: number) => tight.verdicts.find((v) => v.uid === uid)!.outcome;
  assert.deepEqual([outcome(1), outcome(0), outcome(4)], ["key_matched", "constant", "budget_exhausted"]);
  assert.equal(tight.tokensUsed, 19);
  // An outlet entry marked to ignore the budget still fires, as SillyTavern's ignoreBudget does.
  const book = parseWorldInfo(exported, opts);
  book.entries[2]!.extra.ignoreBudget = true;
  const ignored = activateLore({ books: [book], messages: [{ text: "rain" }], contextSize: 8192, tokenize: chars, settings: { budgetCap: 20 } });
  assert.equal(ignored.verdicts.find((v) => v.uid === 2)!.outcome, "constant");
});

test("the report and the summary name the outlet; one without a name says it goes nowhere", () => {
  const r = activate();
  const report = loreReport("Outlets", r, "chars");
  const where = Object.fromEntries(report.rows.filter((row) => row.fired).map((row) => [row.uid, row.where]));
  assert.deepEqual(where, { 0: "outlet scene", 1: "outlet scene", 2: "outlet Scene", 3: "outlet (no name: goes nowhere)", 4: "before_char" });
  assert.ok(report.fired.includes("#1 Rain  [outlet scene, order 200, ~10 tokens] key_matched: primary key matched"));
  const summary = summarizeActivation(r);
  // Placed lore first; outlets last, by name, each in the order its text is joined (highest order first).
  assert.deepEqual(summary.active.map((a) => `${a.uid} ${a.where}`), [
    "4 before the character", "3 outlet (no name: goes nowhere)", "2 outlet Scene", "1 outlet scene", "0 outlet scene",
  ]);
});

test("an outlet name with terminal control codes is shown safely in the report", () => {
  const book = parseWorldInfo(exported, opts);
  book.entries[0]!.extra.outletName = "sc\x1b[2Jene";
  const r = activateLore({ books: [book], messages: [{ text: "" }], contextSize: 8192, tokenize: chars });
  const row = loreReport("Outlets", r, "chars").rows.find((x) => x.uid === 0)!;
  assert.ok(!row.where!.includes("\x1b"), row.where!);
});

test("position 7 and outletName survive World Info and card round trips unchanged", () => {
  const book = parseWorldInfo(exported, opts);
  assert.deepEqual(toWorldInfo(book), exported, "a SillyTavern export is written back as it was");
  const card = toCharacterBook(book);
  const rain = card.entries.find((e) => e.id === 1)!;
  assert.equal(rain.extensions.position, 7);
  assert.equal(rain.extensions.outlet_name, "scene");
  assert.equal(rain.position, "after_char", "the spec's field has only two values; SillyTavern writes after_char for the rest");
  assert.equal((rain as Record<string, unknown>).outletName, undefined, "in a card the name lives in extensions only");
  const back = parseCharacterBook(JSON.parse(JSON.stringify(card)), { file: "card.png", name: "Outlets" });
  assert.deepEqual(toWorldInfo({ ...back, extra: book.extra }), exported, "and from the card back to World Info");
  assert.deepEqual(toCharacterBook(back), card);
});
