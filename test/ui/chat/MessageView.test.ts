import { test } from "node:test";
import assert from "node:assert/strict";
import { swipeCounter, tailLines, tailRows } from "../../../src/ui/chat/MessageView.tsx";

test("the swipe counter reads < 2/5 > and is hidden for a single swipe", () => {
  const swipe = { text: "", sentAt: "" };
  assert.equal(swipeCounter({ id: "a", role: "assistant", name: "M", swipes: [swipe, swipe, swipe, swipe, swipe], swipeIndex: 1 }), "< 2/5 >");
  assert.equal(swipeCounter({ id: "a", role: "assistant", name: "M", swipes: [swipe], swipeIndex: 0 }), "");
});

test("the live tail keeps the last lines under the budget, marked with …", () => {
  assert.equal(tailLines("a\nb", 3), "a\nb");
  assert.equal(tailLines("1\n2\n3\n4\n5", 3), "…\n4\n5");
});

test("the live tail counts wrapped rows, not only line breaks", () => {
  const paragraph = "word ".repeat(400).trim();
  const tail = tailRows(paragraph, 80, 5);
  assert.ok(tail.startsWith("…\n"));
  assert.ok(tail.length < 80 * 5, "no more than about five rows of text");
  assert.ok(paragraph.endsWith(tail.slice(2)), "the end of the text is kept");
  assert.equal(tailRows("short\ntext", 80, 5), "short\ntext");
});
