import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { TurnPanel, turnPanelLines } from "../../../src/ui/panels/TurnPanel.tsx";
import { ChatScreen } from "../../../src/ui/chat/ChatScreen.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import type { TurnReport } from "../../../src/ui/app/services.ts";
import { scriptedServices, testSamplers } from "../../support/fakeServices.ts";

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
  assert.ok(lines.includes("  + Emberstout: key_matched, 41 tokens"), "the OSC 52 sequence is removed");
  assert.ok(lines.includes("  - Wren: lost_group: group regulars went to Old Hob"));
  assert.ok(!lines.some((l) => l.includes("Dragons")), "entries that simply did not match are not listed");
  assert.ok(!lines.some((l) => l.includes("\x1b")));
});

test("when history or examples gave way, the panel says so right under the prompt's size", () => {
  assert.ok(!turnPanelLines(report).some((l) => l.startsWith("Trimmed")), "nothing trimmed, nothing said");
  const trimmed = turnPanelLines({ ...report, fit: { budget: 1748, droppedMessages: 1, examplesDropped: false } });
  assert.match(trimmed[1] ?? "", /^Trimmed: 1 oldest message left out \(budget 1748 tokens, the context minus the reply; history is cut in blocks/);
});

test("the panel is clamped to the room it is given", () => {
  const app = render(<TurnPanel report={report} maxLines={4} color={false} />);
  const frame = app.lastFrame() ?? "";
  assert.match(frame, /… \d+ more \(a taller terminal shows them\)/);
  assert.ok(frame.split("\n").length <= 6);
  app.unmount();
});

test("Alt+P in the chat opens the last turn's panel and Esc closes it", async () => {
  const fake = scriptedServices([["Hello."]]);
  let last: TurnReport | null = null;
  fake.services.lastTurn = () => last;
  const app = render(
    <PrintLogProvider>
      <ChatScreen services={fake.services} characterName="Mira" personaName="You" initialMessages={[]} initialSamplers={testSamplers} color={false} rows={30} flushMs={10} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  const wait = (ms = 80) => new Promise((r) => setTimeout(r, ms));
  await wait();
  app.stdin.write("\x1bp");
  await wait();
  assert.match(app.lastFrame() ?? "", /No reply yet/);
  app.stdin.write("\x1b");
  await wait();
  assert.doesNotMatch(app.lastFrame() ?? "", /No reply yet/);
  last = report;
  app.stdin.write("\x1bp");
  await wait();
  assert.match(app.lastFrame() ?? "", /1160 from the KV cache/);
  app.unmount();
});
