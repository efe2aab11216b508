import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { promptTextLines, TurnPanel, turnPanelLines, turnPanelWindow } from "../../../src/ui/panels/TurnPanel.tsx";
import type { TurnReport } from "../../../src/app/turns/playTurn.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { inputReady, until } from "../../support/frames.ts";

const report: TurnReport = {
  template: "ChatML (from the model's template)",
  promptTokens: 1200,
  evaluatedTokens: 40,
  sections: [
    { kind: "card", label: "description", tokens: 300 },
    { kind: "history", label: "message 3 (user)", tokens: 25 },
  ],
  lore: [
    { title: "Emberstout\x1b]52;c;ZXZpbA==\x07", fired: true, outcome: "key_matched", detail: "primary key matched", tokens: 41 },
    { title: "Wren", fired: false, outcome: "lost_group", detail: "group regulars went to Old Hob", tokens: 30 },
    { title: "Dragons", fired: false, outcome: "no_key_matched", detail: "no key matched", tokens: null },
  ],
  plan: ["no GPU: all 3 layers on the CPU"],
};

test("the panel says what was evaluated vs reused, each section's tokens, and why lore fired or lost", () => {
  const lines = turnPanelLines(report);
  assert.equal(lines[0], "Prompt: 1200 tokens, 40 evaluated, 1160 from the KV cache · ChatML (from the model's template)");
  assert.ok(lines.includes("     300  card: description"));
  assert.ok(lines.includes("  + Emberstout: key found, 41 tokens"), "the OSC 52 sequence is removed");
  assert.ok(lines.includes("  - Wren: lost to its group · group regulars went to Old Hob"));
  assert.ok(!lines.some((l) => l.includes("Dragons")), "entries that simply did not match are not listed");
  assert.ok(!lines.some((l) => l.includes("\x1b")));
});

test("the prompt panel's lore lines name untitled entries apart and say outcomes in words", () => {
  const lines = turnPanelLines({ ...report, lore: [
    { title: "", book: "B", uid: 4, keys: ["bell"], fired: true, outcome: "constant", detail: "constant entry", tokens: 12 },
    { title: "", book: "B", uid: 5, keys: ["fog"], fired: false, outcome: "budget_exhausted", detail: "would bring the lore to 131 of 120 budget tokens", tokens: 31 },
  ] });
  assert.ok(lines.includes("  + untitled #4 (bell): always on, 12 tokens"), lines.join("\n"));
  assert.ok(lines.includes("  - untitled #5 (fog): over budget · would bring the lore to 131 of 120 budget tokens"), lines.join("\n"));
});

test("when history or examples gave way, the panel says so right under the prompt's size", () => {
  assert.ok(!turnPanelLines(report).some((l) => l.startsWith("Trimmed")), "nothing trimmed, nothing said");
  const trimmed = turnPanelLines({ ...report, fit: { budget: 1748, droppedMessages: 1, examplesDropped: false } });
  assert.match(trimmed[1] ?? "", /^Trimmed: 1 oldest message left out \(budget 1748 tokens, the context minus the reply; history is cut in blocks/);
});

test("the panel is clamped to the room it is given and says which lines it shows", () => {
  const app = render(<TurnPanel report={report} maxLines={4} color={false} />);
  const frame = app.lastFrame() ?? "";
  assert.match(frame, /lines 1–3 of \d+ · ↑↓ PgUp PgDn scroll · t the full text · Esc closes/);
  assert.ok(frame.split("\n").length <= 6);
  app.unmount();
});

const withText: TurnReport = {
  ...report,
  sections: [
    { kind: "card", label: "description", tokens: 300, text: `Mira keeps the lighthouse.\x1b]0;pwned\x07\n${"She counts ships. ".repeat(8)}\n` },
    { kind: "history", label: "message 3 (user)", tokens: 25, text: "You: Any ships tonight?\n" },
  ],
};

test("the full-text view is the prompt as sent, section by section, wrapped and made inert", () => {
  const lines = promptTextLines(withText, 40);
  assert.equal(lines[0], "── card: description (300 tokens)");
  assert.equal(lines[1], "Mira keeps the lighthouse.");
  assert.ok(lines.slice(2, 6).every((l) => [...l].length <= 40), "long lines wrap to the width");
  assert.ok(lines.includes("── history: message 3 (user) (25 tokens)"));
  assert.equal(lines.at(-1), "You: Any ships tonight?");
  assert.ok(!lines.some((l) => l.includes("\x1b")));
  const w = turnPanelWindow(withText, "text", 40, 4, 99);
  assert.equal(w.start, w.total - w.room, "an offset past the end shows the last page");
});

test("Alt+P in the chat opens the last turn's panel and Esc closes it", async () => {
  const fake = scriptedSession([["Hello."]]);
  let last: TurnReport | null = null;
  const session = { ...fake.session, lastTurn: () => last };
  const app = mountChat(session, { rows: 30 });
  await inputReady(app.stdin);
  app.stdin.write("\x1bp");
  await until(app.lastFrame, (f) => /No reply yet/.test(f), "the panel before any reply");
  app.stdin.write("\x1b");
  await until(app.lastFrame, (f) => !/No reply yet/.test(f), "the panel closed");
  last = report;
  app.stdin.write("\x1bp");
  await until(app.lastFrame, (f) => /1160 from the KV cache/.test(f), "the last turn's panel");
  app.unmount();
});

test("in the chat, t shows the full prompt text, the arrows scroll it, t again the summary", async () => {
  const fake = scriptedSession([]);
  const tall: TurnReport = { ...withText, sections: [{ kind: "card", label: "description", tokens: 900, text: Array.from({ length: 60 }, (_, i) => `Line ${i} of the card.`).join("\n") }] };
  const session = { ...fake.session, lastTurn: () => tall };
  const app = mountChat(session, { rows: 24 });
  await inputReady(app.stdin);
  app.stdin.write("\x1bp");
  await until(app.lastFrame, (f) => f.includes("from the KV cache"), "the summary");
  app.stdin.write("t");
  let frame = await until(app.lastFrame, (f) => f.includes("── card: description (900 tokens)"), "the full text");
  assert.match(frame, /lines 1–\d+ of 61 · ↑↓ PgUp PgDn scroll · t summary/);
  app.stdin.write("\x1b[B");
  app.stdin.write("\x1b[B");
  frame = await until(app.lastFrame, (f) => /lines 3–/.test(f), "two lines down");
  assert.match(frame, /│ Line 1 of the card\./);
  assert.doesNotMatch(frame, /── card: description/);
  app.stdin.write("\x1b[6~");
  await until(app.lastFrame, (f) => /lines \d{2}–/.test(f), "a page down");
  app.stdin.write("t");
  await until(app.lastFrame, (f) => f.includes("from the KV cache") && f.includes("t the full text"), "the summary again");
  app.stdin.write("\x1b");
  await until(app.lastFrame, (f) => !f.includes("from the KV cache"), "closed");
  assert.equal(app.lastFrame()?.includes("│ t"), false, "t was never typed into the input");
  app.unmount();
});

const reprocessed: TurnReport = {
  ...report,
  reuse: {
    source: "saved", promptTokens: 1200, reused: 560, evaluated: 640, newTokens: 60, reprocessed: 580, cause: "lore",
    reason: 'lore entry "Greyway" came (after character)', firstEvaluatedToken: 560, section: "lore after character",
    shifted: [{ tokens: 212, what: "3 trimmed messages (message 1 (assistant) to message 3 (assistant))" }],
    inserted: [],
  },
};

test("the panel says what the KV cache reused, from where, why it processed part of the prompt again, and what it shifted out", () => {
  const lines = turnPanelLines(reprocessed);
  assert.deepEqual(lines.slice(1, 4), [
    "KV cache: 560 reused (from the chat's saved state), 640 evaluated, 60 new in this turn",
    '  580 processed again from lore after character: lore entry "Greyway" came (after character)',
    "  shifted out 212 tokens (3 trimmed messages (message 1 (assistant) to message 3 (assistant))), the rest kept",
  ]);
  const spliced = turnPanelLines({ ...reprocessed, reuse: { ...reprocessed.reuse!, inserted: [{ tokens: 38, what: 'lore entry "Greyway" came (at depth 4)', at: 900 }] } });
  assert.equal(spliced[4], '  evaluated 38 tokens in place (lore entry "Greyway" came (at depth 4)), what follows kept');
  const clean = turnPanelLines({ ...reprocessed, reuse: { ...reprocessed.reuse!, cause: "new-messages", reprocessed: 0, shifted: [], source: "memory" } });
  assert.deepEqual(clean.slice(1, 3), ["KV cache: 560 reused (from memory), 640 evaluated, 60 new in this turn", "  nothing was processed again"]);
});

test("after a reply the status line says what the KV cache held and why it processed part of the prompt again", async () => {
  const { session } = scriptedSession([["Hello."]], { report: reprocessed });
  const app = mountChat(session, { rows: 30 });
  await inputReady(app.stdin);
  assert.doesNotMatch(app.lastFrame() ?? "", / kv /, "nothing before the first turn");
  app.stdin.write("Hi");
  await until(app.lastFrame, (f) => f.includes("│ Hi"), "the typed message");
  await inputReady(app.stdin);
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => /· \? help · kv 560\/1200 · 580 again: lore entry/.test(f), "the status line's cache note");
  app.unmount();
});
