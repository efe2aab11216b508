import { test } from "node:test";
import assert from "node:assert/strict";
import { roleplaySpans } from "../../../src/ui/chat/roleplayStyle.ts";

test("actions, speech and OOC become their own spans, the rest stays plain", () => {
  assert.deepEqual(roleplaySpans('*waves* "Hello there," she said. (OOC: brb)'), [
    { text: "*waves*", style: "action" },
    { text: " ", style: "plain" },
    { text: '"Hello there,"', style: "speech" },
    { text: " she said. ", style: "plain" },
    { text: "(OOC: brb)", style: "ooc" },
  ]);
});

test("an unclosed asterisk or quote mid-stream stays plain text", () => {
  assert.deepEqual(roleplaySpans('*starts to "say'), [{ text: '*starts to "say', style: "plain" }]);
});

test("spans rejoin to the original text", () => {
  const text = "“Curly quotes” and *a\nbroken* line";
  assert.equal(roleplaySpans(text).map((s) => s.text).join(""), text);
  assert.equal(roleplaySpans(text)[0]?.style, "speech");
});
