import { test } from "node:test";
import assert from "node:assert/strict";
import { lorePanelLines } from "../../../src/ui/panels/LorePanel.tsx";
import type { TurnReport } from "../../../src/app/turns/playTurn.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";

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

test("Alt+L opens the lore panel (and only it: Alt+S replaces it); Esc closes", async () => {
  const fake = scriptedSession([]);
  const session = { ...fake.session, lastTurn: () => report };
  const app = mountChat(session, { rows: 24 });
  const wait = (ms = 100) => new Promise((r) => setTimeout(r, ms));
  await wait();
  app.stdin.write("\x1bl");
  await wait();
  let frame = app.lastFrame() ?? "";
  assert.match(frame, /Lore · last turn/);
  assert.match(frame, /\+ Emberstout \(41 tok\): key_matched/);
  assert.doesNotMatch(frame, /\x1b\]0/);
  assert.ok(frame.split("\n").length <= 24);
  app.stdin.write("\x1bs");
  await wait();
  frame = app.lastFrame() ?? "";
  assert.match(frame, /Samplers · preset/);
  assert.doesNotMatch(frame, /Lore · last turn/, "one panel at a time");
  app.stdin.write("\x1b");
  await wait();
  assert.doesNotMatch(app.lastFrame() ?? "", /Samplers · preset|Lore · last turn/);
  app.unmount();
});
