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
    { title: "Emberstout\x1b]0;title\x07", fired: true, outcome: "key_matched", detail: "primary key 'ale' in message 4", tokens: 41 },
    { title: "The cellar", fired: true, outcome: "constant", detail: "", tokens: 30 },
    { title: "Wren", fired: false, outcome: "cooldown", detail: "cooling down for 2 more turns", tokens: null },
    { title: "Dragons", fired: false, outcome: "no_key_matched", detail: "no primary key found", tokens: null },
    { title: "Sea", fired: false, outcome: "no_key_matched", detail: "no primary key found", tokens: null },
  ],
  plan: [],
};

test("the lore panel lists the entries that fired with why, then the near misses; the rest are counted", () => {
  assert.deepEqual(lorePanelLines(report), [
    "Active: 2 of 5 entries, 71 tokens",
    "+ Emberstout (41 tok): key_matched · primary key 'ale' in message 4",
    "+ The cellar (30 tok): constant",
    "Not active:",
    "- Wren: cooldown · cooling down for 2 more turns",
    "2 more entries: no key in the scanned text",
  ]);
  assert.match(lorePanelLines(null)[0]!, /No reply yet/);
});

test("the lore panel counts one entry and one token in the singular", () => {
  const one: TurnReport = { ...report, lore: [{ title: "Ale", fired: true, outcome: "constant", detail: "", tokens: 1 }], sections: [{ kind: "lore", label: "before the card", tokens: 1 }] };
  assert.equal(lorePanelLines(one)[0], "Active: 1 of 1 entry, 1 token");
});

test("Alt+L opens the lore panel (and only it: Alt+S replaces it); Esc closes", async () => {
  const fake = scriptedSession([]);
  const session = { ...fake.session, lastTurn: () => report };
  const app = mountChat(session, { rows: 24 });
  await inputReady(app.stdin);
  app.stdin.write("\x1bl");
  let frame = await until(app.lastFrame, (f) => /Lore · last turn/.test(f), "the lore panel");
  assert.match(frame, /\+ Emberstout \(41 tok\): key_matched/);
  assert.doesNotMatch(frame, /\x1b\]0/);
  assert.ok(frame.split("\n").length <= 24);
  app.stdin.write("\x1bs");
  frame = await until(app.lastFrame, (f) => /Samplers · preset/.test(f), "the sampler panel");
  assert.doesNotMatch(frame, /Lore · last turn/, "one panel at a time");
  app.stdin.write("\x1b");
  await until(app.lastFrame, (f) => !/Samplers · preset|Lore · last turn/.test(f), "both panels closed");
  app.unmount();
});
