import { test } from "node:test";
import assert from "node:assert/strict";
import { lorePanelLines } from "../../../src/ui/panels/LorePanel.tsx";
import type { TurnReport } from "../../../src/app/turns/playTurn.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { inputReady, until } from "../../support/frames.ts";

const report: TurnReport = {
  template: "ChatML",
  promptTokens: 900,
  evaluatedTokens: 30,
  sections: [{ kind: "lore", label: "before the card", tokens: 71 }],
  lore: [
    { title: "Emberstout\x1b]0;title\x07", fired: true, outcome: "key_matched", detail: "primary key matched", tokens: 41 },
    { title: "The cellar", fired: true, outcome: "constant", detail: "constant entry", tokens: 30 },
    { title: "Wren", fired: false, outcome: "cooldown", detail: "cooling down until message 12", tokens: null },
    { title: "Dragons", fired: false, outcome: "no_key_matched", detail: "no primary key found", tokens: null },
    { title: "Sea", fired: false, outcome: "no_key_matched", detail: "no primary key found", tokens: null },
  ],
  loreBudget: { used: 72, budget: 512 },
  plan: [],
};

test("the lore panel lists the entries that fired with why, then the near misses; the rest are counted", () => {
  assert.deepEqual(lorePanelLines(report), [
    "In the prompt: 2 of 5 entries",
    "Lore budget: 72 of 512 tokens used",
    "+ Emberstout (41 tok): key found",
    "+ The cellar (30 tok): always on",
    "Not in the prompt:",
    "- Wren: cooldown · cooling down until message 12",
    "2 more entries: keys not found in the scanned text",
  ]);
  assert.match(lorePanelLines(null)[0]!, /No reply yet/);
});

test("the lore panel counts one entry and one token in the singular", () => {
  const one: TurnReport = { ...report, lore: [{ title: "Ale", fired: true, outcome: "constant", detail: "", tokens: 1 }], loreBudget: { used: 1, budget: 1000 }, sections: [{ kind: "lore", label: "before the card", tokens: 1 }] };
  assert.deepEqual(lorePanelLines(one).slice(0, 2), ["In the prompt: 1 of 1 entry", "Lore budget: 1 of 1000 tokens used"]);
});

test("Alt+L opens the lore panel (and only it: Alt+S replaces it); Esc closes", async () => {
  const fake = scriptedSession([]);
  const session = { ...fake.session, lastTurn: () => report };
  const app = mountChat(session, { rows: 24 });
  await inputReady(app.stdin);
  app.stdin.write("\x1bl");
  let frame = await until(app.lastFrame, (f) => /Lore · last turn/.test(f), "the lore panel");
  assert.match(frame, /\+ Emberstout \(41 tok\): key found/);
  assert.doesNotMatch(frame, /\x1b\]0/);
  assert.ok(frame.split("\n").length <= 24);
  app.stdin.write("\x1bs");
  frame = await until(app.lastFrame, (f) => /Samplers · preset/.test(f), "the sampler panel");
  assert.doesNotMatch(frame, /Lore · last turn/, "one panel at a time");
  app.stdin.write("\x1b");
  await until(app.lastFrame, (f) => !/Samplers · preset|Lore · last turn/.test(f), "both panels closed");
  app.unmount();
});

const untitled = (uid: number, keys: string[], fired: boolean, outcome: string, detail: string, tokens: number | null) =>
  ({ title: "", book: "Harbour", uid, keys, fired, outcome, detail, tokens });

/** A turn where the budget (120 tokens) took two untitled entries and left two out. */
const crowded: TurnReport = {
  ...report,
  lore: [
    untitled(3, ["gull", "seabird"], true, "key_matched", "primary key matched", 60),
    untitled(4, ["bell"], true, "sticky", "sticky until message 9", 40),
    untitled(5, ["tide", "moon", "harbour"], false, "budget_exhausted", "would bring the lore to 131 of 120 budget tokens", 31),
    untitled(6, [], false, "budget_exhausted", "left out after an earlier entry did not fit in the 120-token budget", 12),
    untitled(7, ["fog"], false, "probability_roll", "rolled 73.2 against 40%", null),
    untitled(8, ["lamp"], false, "secondary_failed", "secondary keys failed AND ANY (0/2 found)", null),
  ],
  loreBudget: { used: 101, budget: 120 },
};

test("untitled entries are told apart by number and keys, outcomes are in words, and the budget line agrees with itself", async () => {
  const fake = scriptedSession([]);
  const app = mountChat({ ...fake.session, lastTurn: () => crowded }, { rows: 40, columns: 100 });
  await inputReady(app.stdin);
  app.stdin.write("\x1bl");
  const frame = await until(app.lastFrame, (f) => /Lore · last turn/.test(f), "the lore panel");
  // A wrapped entry read as one line: its continuation rows joined back on.
  const rows: string[] = [];
  for (const l of frame.split("\n").filter((l) => l.startsWith("│ ")).map((l) => l.replace(/^│ /, "").replace(/\s*│$/, ""))) {
    if (/^[+-] /.test(l)) rows.push(l);
    else if (l.startsWith("  ") && rows.length) rows[rows.length - 1] += ` ${l.trim()}`;
  }
  assert.deepEqual(rows, [
    "+ untitled #3 (gull, seabird) (60 tok): key found",
    "+ untitled #4 (bell) (40 tok): sticky from an earlier turn · sticky until message 9",
    "- untitled #5 (tide, moon, harbour) (31 tok): over budget · would bring the lore to 131 of 120 budget tokens",
    "- untitled #6 (12 tok): over budget · left out after an earlier entry did not fit in the 120-token budget",
    "- untitled #7 (fog): probability roll failed · rolled 73.2 against 40%",
    "- untitled #8 (lamp): secondary keys not met · secondary keys failed AND ANY (0/2 found)",
  ]);
  assert.equal(new Set(rows.map((r) => r.replace(/:.*/, ""))).size, rows.length, "no two rows look alike");
  assert.doesNotMatch(frame, /\(untitled\)|budget_exhausted|probability_roll|key_matched|secondary_failed/);
  assert.match(frame, /Lore budget: 101 of 120 tokens used; 2 entries left out to stay under it/);
  assert.doesNotMatch(frame, /…/, "nothing cut off");
  app.unmount();
});

test("the budget line says nothing was left out when nothing was, and a title shared by two entries gets their numbers", () => {
  const twins: TurnReport = { ...report, lore: [
    { title: "Wren", book: "A", uid: 1, fired: true, outcome: "key_matched", detail: "primary key matched", tokens: 10 },
    { title: "Wren", book: "A", uid: 2, fired: false, outcome: "cooldown", detail: "cooling down until message 3", tokens: null },
  ], loreBudget: { used: 11, budget: 400 } };
  const lines = lorePanelLines(twins);
  assert.equal(lines[1], "Lore budget: 11 of 400 tokens used");
  assert.ok(lines.includes("+ Wren #1 (10 tok): key found"));
  assert.ok(lines.includes("- Wren #2: cooldown · cooling down until message 3"));
});

test("at 60 columns a long lore line wraps under its text, no row inside the panel starting with a stray space", async () => {
  const fake = scriptedSession([]);
  const app = mountChat({ ...fake.session, lastTurn: () => crowded }, { rows: 40, columns: 60 });
  await inputReady(app.stdin);
  app.stdin.write("\x1bl");
  const frame = await until(app.lastFrame, (f) => /Lore · last turn/.test(f), "the lore panel");
  const inside = frame.split("\n").filter((l) => l.startsWith("│")).map((l) => l.replace(/^│ /, "").replace(/\s*│$/, ""));
  assert.ok(inside.every((l) => l.length <= 56), `every row fits:\n${frame}`);
  assert.ok(inside.includes("- untitled #5 (tide, moon, harbour) (31 tok): over") && inside.includes("  tokens"), `the end of #5 wraps under its text:\n${frame}`);
  assert.ok(inside.includes("to stay under it"), "the budget line's second row starts at the edge");
  for (const row of inside) assert.doesNotMatch(row, /^ (?! \S)|^ {3}/, `"${row}" starts with a stray space`);
  app.unmount();
});
