import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import type { ChatSession } from "../../../src/app/chats/session.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { until, settled, press, type TestStdin } from "../../support/frames.ts";


function mount(session: ChatSession) {
  return mountChat(session);
}

/** A finished message of this chat: the user's or Mira's. */
function said(id: string, role: "user" | "assistant", text: string): ChatMessage {
  return { id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 };
}

async function type(stdin: TestStdin, text: string) {
  await press(stdin, text);
}

test("send a message and see the reply streamed, with the status line", async () => {
  const fake = scriptedSession([["Hello ", "*waves*", " traveller."]]);
  const app = mount(fake.session);
  await type(app.stdin, "hi there");
  // Text and Enter in one read would be a paste: let the text land first.
  await until(app.lastFrame, (f) => f.includes("│ hi there"), "the typed text");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Hello *waves* traveller."), "the reply");
  const frame = app.lastFrame() ?? "";
  assert.match(frame, /You\s+hi there/);
  assert.match(frame, /Mira/);
  assert.match(frame, /tiny\.gguf · cpu · ctx 12\/512 · 42\.0 tok\/s/);
  assert.equal(fake.requests[0]?.messages.at(-1)?.swipes[0]?.text, "hi there");
  app.unmount();
});

test("Ctrl+C stops a generation and keeps the partial text; twice at idle quits", async () => {
  const fake = scriptedSession([["Once upon", " a time"]], { hold: true });
  const app = mount(fake.session);
  await type(app.stdin, "tell a story");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Once upon"), "the first chunk");
  assert.match(app.lastFrame() ?? "", /^writing… Ctrl\+C stops · tiny\.gguf/m, "the status line says a reply is being written, colour or not");
  await type(app.stdin, "\x03");
  await until(app.lastFrame, (f) => f.includes("Stopped (partial reply kept)"), "the stop notice");
  assert.doesNotMatch(app.lastFrame() ?? "", /a time/);
  assert.match(app.lastFrame() ?? "", /^tiny\.gguf · cpu .* · \? help$/m, "and that it is idle again");
  await type(app.stdin, "\x03");
  await until(app.lastFrame, (f) => /Press Ctrl\+C again to quit/.test(f), "the quit prompt");
  assert.equal(app.quits.length, 0);
  await type(app.stdin, "\x03");
  await until(() => String(app.quits.length), (n) => n === "1", "the quit");
  assert.equal(app.quits[0]?.at(-1)?.swipes[0]?.text, "Once upon");
  app.unmount();
});

test("right arrow on the last reply generates a swipe; left goes back: < 1/2 >", async () => {
  const fake = scriptedSession([["First reply"], ["Second reply"]]);
  const app = mount(fake.session);
  await type(app.stdin, "hi");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("First reply"), "first reply");
  await type(app.stdin, "\x1b[C");
  await until(app.lastFrame, (f) => f.includes("Second reply") && f.includes("< 2/2 >"), "the swipe");
  assert.equal(fake.requests[1]?.mode, "swipe");
  assert.equal(fake.requests[1]?.messages.length, 2, "the services get the chat with the reply being replaced");
  await type(app.stdin, "\x1b[D");
  await until(app.lastFrame, (f) => f.includes("First reply") && f.includes("< 1/2 >"), "back to the first swipe");
  app.unmount();
});

test("a failed generation shows why and puts the sent text back in the input", async () => {
  const fake = scriptedSession([], { fail: "model not loaded" });
  const app = mount(fake.session);
  await type(app.stdin, "precious words");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Generation failed: model not loaded"), "the error");
  assert.match(app.lastFrame() ?? "", /│ precious words/);
  assert.doesNotMatch(app.lastFrame() ?? "", /You\n/, "the unanswered message is not left in the chat");
  app.unmount();
});

test("slash commands change a sampler and report bad values", async () => {
  const fake = scriptedSession([["ok"]]);
  const app = mount(fake.session);
  await type(app.stdin, "/temp 1.3");
  await until(app.lastFrame, (f) => f.includes("│ /temp 1.3"), "the typed command");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => /Temperature set to 1\.3/.test(f), "the change said");
  assert.match(app.lastFrame() ?? "", /temp 1\.3 · \? help/);
  await type(app.stdin, "/topp 0.9");
  await until(app.lastFrame, (f) => f.includes("│ /topp 0.9"), "the typed command");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Top-p set to 0.9"), "the change said with the sampler's label");
  await type(app.stdin, "/temp -1");
  await until(app.lastFrame, (f) => f.includes("│ /temp -1"), "the typed command");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => /\/temp must be between 0 and 5, got -1/.test(f), "the bad value refused");
  await type(app.stdin, "hello");
  await until(app.lastFrame, (f) => f.includes("│ hello"), "the typed text");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("ok"), "reply");
  assert.equal(fake.requests[0]?.samplers.temperature, 1.3);
  app.unmount();
});

test("pasted lines stay in the input instead of sending; Ctrl+D deletes the last reply after y", async () => {
  const fake = scriptedSession([["Reply to delete"]]);
  const app = mount(fake.session);
  await type(app.stdin, "line one\r\nline two");
  await until(app.lastFrame, (f) => /│ line one +│\n│ line two/.test(f), "the pasted lines in the input");
  assert.equal(fake.requests.length, 0);
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Reply to delete"), "reply");
  await type(app.stdin, "\x04");
  await until(app.lastFrame, (f) => /Delete message 2 \(Mira: Reply to delete\)\? y\/n/.test(f), "the question");
  await type(app.stdin, "n");
  await until(app.lastFrame, (f) => !/Delete message 2/.test(f) && /Reply to delete/.test(f), "the question gone, the reply kept");
  await type(app.stdin, "\x04");
  await until(app.lastFrame, (f) => /Delete message 2/.test(f), "the question again");
  await type(app.stdin, "y");
  await until(app.lastFrame, (f) => !f.includes("Reply to delete"), "deletion");
  assert.match(app.lastFrame() ?? "", /Message deleted/);
  app.unmount();
});

test("model output with escape sequences is drawn inert", async () => {
  const fake = scriptedSession([["safe\x1b]0;pwned\x07 text\x1b[2J"]]);
  const app = mount(fake.session);
  await type(app.stdin, "x");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("safe text"), "reply");
  assert.doesNotMatch(app.lastFrame() ?? "", /\x1b\]0|pwned/);
  app.unmount();
});

test("? opens the help overlay listing every key; Esc closes it and keeps the input", async () => {
  const fake = scriptedSession([]);
  const app = mount(fake.session);
  await type(app.stdin, "?");
  const frame = await until(app.lastFrame, (f) => f.includes("Keys (Esc or ? closes"), "the help");
  assert.ok(frame.split("\n").length <= 24, `help fits 80x24:\n${frame}`);
  const lines = frame.split("\n");
  const help = lines.slice(lines.findIndex((l) => l.startsWith("┌")), lines.findIndex((l) => l.startsWith("└")) + 1);
  assert.ok(help.length > 10 && help.every((l) => [...l].length <= 80), "the help box fits 80 columns");
  for (const line of [/ctrl\+c +Stop; idle: twice quits/, /alt\+enter,ctrl\+j New line/, /ctrl\+d +Delete last message \*/, /ctrl\+o +Home/, /ctrl\+k +Pick any message/, /alt\+s +Samplers/, /alt\+l +Lore/, /alt\+e +Edit last in \$EDITOR/, /Keys \(Esc or \? closes; \* with the input empty\) · pgup: earlier messages/, /Picked message \(ctrl\+k\): Up\/Down move, e edit, v \$EDITOR, d delete, b branch/, /\/temp  \/topp  \/minp/, /\/branch  \/export/]) assert.match(frame, line);
  await type(app.stdin, "\x1b");
  await until(app.lastFrame, (f) => !/Stop; idle/.test(f), "the help closed");
  await type(app.stdin, "a?");
  await until(app.lastFrame, (f) => /│ a\?/.test(f), "? typed into the input");
  app.unmount();
});

test("with a long failure notice on screen, ? still shows the whole help in 80x24: a notice over it keeps to one row", async () => {
  const fake = scriptedSession([], { fail: "no model loaded: start taproom with --model FILE, or load one with /model NAME or from the model screen (Ctrl+O, then m); /home/someone/.local/share/taproom/models/Mistral-Nemo-Instruct-2407-Q4_K_M.gguf was not found" });
  const app = mount(fake.session);
  await type(app.stdin, "hi");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Generation failed") && f.includes("│ hi"), "the failure and the text back in the input");
  await type(app.stdin, "\x15");
  await until(app.lastFrame, (f) => !f.includes("│ hi"), "the input cleared by Ctrl+U");
  await type(app.stdin, "?");
  const frame = await until(app.lastFrame, (f) => f.includes("Keys (Esc or ? closes"), "the help");
  assert.ok(frame.split("\n").length <= 24, `help fits 80x24:\n${frame}`);
  assert.match(frame, /ctrl\+c +Stop; idle: twice quits/);
  assert.match(frame, /^Generation failed: no model loaded: .*…$/m, "the notice keeps to one row");
  await type(app.stdin, "\x03");
  await until(app.lastFrame, (f) => f.includes("Press Ctrl+C again to quit"), "a notice over the help");
  await type(app.stdin, "\x1b");
  await until(app.lastFrame, (f) => !f.includes("Stop; idle"), "the help closed");
  app.unmount();
});

test("Alt+C continues the last reply; Alt+I writes the next message into the input; Ctrl+E edits", async () => {
  const fake = scriptedSession([["It was dark"], [" and stormy", " night."], ["You: I open the door."]]);
  const app = mount(fake.session);
  await type(app.stdin, "begin");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("It was dark"), "the reply");
  await type(app.stdin, "\x1bc");
  await until(app.lastFrame, (f) => f.includes("It was dark and stormy night."), "the continuation");
  assert.equal(fake.requests[1]?.mode, "continue");
  await type(app.stdin, "\x1bi");
  await until(app.lastFrame, (f) => f.includes("│ I open the door."), "the impersonated text in the input");
  assert.equal(fake.requests[2]?.mode, "impersonate");
  for (let i = 0; i < "I open the door.".length; i++) await type(app.stdin, "\x7f");
  await type(app.stdin, "\x05");
  await until(app.lastFrame, (f) => f.includes("│ It was dark and stormy night."), "the message in the input");
  for (const _ of " night.") await type(app.stdin, "\x7f");
  await type(app.stdin, "!");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Message edited"), "the edit");
  assert.match(app.lastFrame() ?? "", /Mira\n {0,2}It was dark and stormy!/);
  assert.equal(fake.requests.length, 3, "saving an edit generates nothing");
  app.unmount();
});

test("/persona changes the name on the next sent message", async () => {
  const fake = scriptedSession([["Welcome, knight."]]);
  const app = mount(fake.session);
  await type(app.stdin, "/persona Galahad");
  await type(app.stdin, "\r");
  await type(app.stdin, "greetings");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Welcome, knight."), "reply");
  assert.match(app.lastFrame() ?? "", /Galahad\n {0,2}greetings/);
  assert.equal(fake.requests[0]?.messages.at(-1)?.name, "Galahad");
  app.unmount();
});

test("several Backspaces arriving in one read each delete a character", async () => {
  const app = mount(scriptedSession([]).session);
  await type(app.stdin, "abcd👍");
  await until(app.lastFrame, (f) => f.includes("│ abcd👍"), "the typed text");
  await type(app.stdin, "\x7f\x7f\x7f");
  await until(app.lastFrame, (f) => /│ ab /.test(f), "three characters deleted");
  app.unmount();
});

test("a resumed chat's last reply can be swiped at once: the new swipe shows with its counter", async () => {
  const fake = scriptedSession([["A brand new swipe"]], { messages: [said("u", "user", "hi"), said("a", "assistant", "Old reply")] });
  const app = mount(fake.session);
  await settled();
  await type(app.stdin, "\x1b[C");
  await until(app.lastFrame, (f) => f.includes("A brand new swipe") && f.includes("< 2/2 >"), "the new swipe");
  await type(app.stdin, "\x1b[D");
  await until(app.lastFrame, (f) => f.includes("Old reply") && f.includes("< 1/2 >"), "back to the first");
  app.unmount();
});

test("Enter on an empty input gets the character's reply to the chat as it stands (after a branch, or to speak again)", async () => {
  const fake = scriptedSession([["*Mira looks up.* Yes?"], ["And another thing."]], { messages: [said("a0", "assistant", "Welcome."), said("u1", "user", "Mira?")] });
  const app = mount(fake.session);
  await settled();
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Yes?") && f.includes("? help") && !f.includes("writing…"), "the reply");
  assert.equal(fake.requests[0]?.mode, "reply");
  assert.deepEqual(fake.requests[0]?.messages.map((m) => m.id), ["a0", "u1"], "no new message from the person");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("And another thing."), "a second reply in a row");
  assert.equal(fake.requests[1]?.messages.length, 3);
  await type(app.stdin, "\x03");
  await type(app.stdin, "\x03");
  assert.deepEqual(app.quits[0]?.map((m) => m.role), ["assistant", "user", "assistant", "assistant"]);
  app.unmount();
});

test("Ctrl+E puts a message with escape sequences into the input, drawn inert", async () => {
  const fake = scriptedSession([], { messages: [said("u", "user", "hi"), said("a", "assistant", "Dusk\x1b]0;pwned\x07 falls.")] });
  const app = mount(fake.session);
  await settled();
  await type(app.stdin, "\x05");
  const frame = await until(app.lastFrame, (f) => f.includes("Editing message 2"), "the edit");
  assert.match(frame, /│ Dusk\ufffd\]0;pwned\ufffd falls\./);
  assert.doesNotMatch(frame, /\x1b|\x07/);
  app.unmount();
});

test("notices that quote a message (the delete question) are drawn inert", async () => {
  const fake = scriptedSession([], { messages: [said("u", "user", "hi"), said("a", "assistant", "Dusk\x1b]0;pwned\x07 falls.")] });
  const app = mount(fake.session);
  await settled();
  await type(app.stdin, "\x04");
  const frame = await until(app.lastFrame, (f) => f.includes("Delete message 2"), "the delete question");
  assert.match(frame, /Delete message 2 \(Mira: Dusk falls\.\)\? y\/n/, "the sequence is taken out whole");
  assert.doesNotMatch(frame, /\x1b|\x07/);
  app.unmount();
});

test("a failed save shows on the chat screen with its reason", async () => {
  const fake = scriptedSession([], { deps: { save: async () => Promise.reject(new Error("ENOSPC: no space left on device, write")) } });
  const app = mount(fake.session);
  await settled();
  await type(app.stdin, "/note The rain has not stopped.");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Could not save the chat: ENOSPC: no space left on device"), "the save failure");
  app.unmount();
});
