import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { press, settled, until } from "../../support/frames.ts";

function longChat(count: number): ChatMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 === 0 ? "user" : "assistant",
    name: i % 2 === 0 ? "You" : "Mira",
    swipes: [{ text: `Line number ${i} ends here.`, sentAt: "" }],
    swipeIndex: 0,
  }));
}

const PAGE_UP = "\x1b[5~";
const everything = (frames: string[]) => frames.join("");
const shown = (frames: string[], i: number) => everything(frames).includes(`Line number ${i} ends`);

test("a 2,000-message chat prints only its last screens, and says how to reach the rest", async () => {
  const app = mountChat(scriptedSession([], { messages: longChat(2000) }).session);
  await until(app.lastFrame, (f) => f.includes("Line number 1999 ends"), "the last message");
  await until(() => everything(app.frames), (f) => f.includes("Line number 1990 ends"), "the tail printed above it");
  const printed = [...everything(app.frames).matchAll(/Line number (\d+) ends/g)].map((m) => Number(m[1]));
  const first = Math.min(...printed);
  assert.ok(first > 1900, `only the last screens are printed (from message ${first})`);
  assert.ok(printed.length < 100, `${printed.length} messages printed`);
  assert.match(everything(app.frames), new RegExp(`··· ${first.toLocaleString("en-US")} earlier messages not printed · PgUp prints earlier ones · Ctrl\\+K picks any message ···`));
  assert.ok(everything(app.frames).length < 20_000, `${everything(app.frames).length} characters written`);
  app.unmount();
});

test("a short chat prints whole, with no line about earlier messages", async () => {
  const app = mountChat(scriptedSession([], { messages: longChat(12) }).session);
  await until(app.lastFrame, (f) => f.includes("Line number 11 ends"), "the last message");
  await until(() => everything(app.frames), (f) => f.includes("Line number 0 ends"), "the first message");
  assert.doesNotMatch(everything(app.frames), /earlier message/);
  app.unmount();
});

test("PgUp prints the chat again from a few screens earlier, until the whole chat is printed", async () => {
  const app = mountChat(scriptedSession([], { messages: longChat(150) }).session);
  await until(app.lastFrame, (f) => f.includes("Line number 149 ends"), "the last message");
  await settled();
  assert.ok(!shown(app.frames, 50), "message 51 is not printed at first");
  const before = app.frames.length;
  app.stdin.write(PAGE_UP);
  await until(app.lastFrame, (f) => /Printed from message \d+ of 150/.test(f), "the notice");
  const after = () => app.frames.slice(before);
  await until(() => everything(after()), (f) => f.includes("Line number 100 ends"), "earlier messages printed");
  assert.ok(everything(after()).includes("\x1b[2J\x1b[3J"), "printed on a cleared terminal, not as a second copy below");
  assert.ok(!shown(after(), 50), "one page at a time");
  for (let i = 0; i < 5 && !shown(app.frames, 0); i++) {
    const frames = app.frames.length;
    await press(app.stdin, PAGE_UP);
    await until(() => (app.frames.length > frames ? "drawn" : ""), (f) => f === "drawn", "the chat printed again");
  }
  await until(() => everything(app.frames), (f) => f.includes("Line number 0 ends"), "the first message, after a few presses");
  await until(app.lastFrame, (f) => f.includes("The whole chat is printed"), "the notice that nothing is left out");
  app.unmount();
});

test("in select mode PgUp and PgDn move the mark ten messages: any message of a long chat is reachable", async () => {
  const app = mountChat(scriptedSession([], { messages: longChat(2000) }).session);
  await until(app.lastFrame, (f) => f.includes("Line number 1999 ends"), "the last message");
  app.stdin.write("\x0b");
  await until(app.lastFrame, (f) => f.includes("Message 2000 of 2000"), "select mode");
  await settled();
  app.stdin.write(PAGE_UP);
  await until(app.lastFrame, (f) => f.includes("Message 1990 of 2000") && f.includes("Line number 1989 ends"), "ten messages up");
  await settled();
  app.stdin.write("\x1b[6~");
  await until(app.lastFrame, (f) => f.includes("Message 2000 of 2000"), "back down");
  app.unmount();
});
