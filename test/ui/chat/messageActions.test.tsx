import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage, Chat } from "../../../src/core/chat/types.ts";
import type { ChatSessionDeps, ChatTarget } from "../../../src/app/chats/session.ts";
import { editExternally } from "../../../src/ui/app/externalEditor.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { fakeEditor } from "../../support/fakeEditor.ts";
import { tick, until } from "../../support/frames.ts";


const key = { up: "\x1b[A", down: "\x1b[B", esc: "\x1b", ctrlK: "\x0b" };

const msg = (id: string, role: "user" | "assistant", text: string): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });

const history = () => [msg("m0", "assistant", "Welcome to the inn."), msg("m1", "user", "First question"), msg("m2", "assistant", "Old answer"), msg("m3", "user", "Second question"), msg("m4", "assistant", "Latest answer")];

interface MountOptions {
  messages?: ChatMessage[];
  replies?: string[][];
  hold?: boolean;
  editor?: string;
  deps?: Partial<ChatSessionDeps>;
}

/** The chat screen on a scripted session; `saved` is every chat the session saved, `opened` every chat the screen opened. */
function mount(options: MountOptions = {}) {
  const fake = scriptedSession(options.replies ?? [], { messages: options.messages ?? history(), ...(options.hold && { hold: true }), ...(options.deps && { deps: options.deps }) });
  const opened: ChatTarget[] = [];
  const editor = options.editor;
  const app = mountChat(fake.session, {
    onOpenChat: (t) => void opened.push(t),
    ...(editor && { editExternally: (text: string) => editExternally(text, { env: { PATH: process.env.PATH, EDITOR: editor } }) }),
  });
  return { ...app, saved: fake.saved, opened, session: fake.session };
}

async function type(stdin: { write(s: string): void }, text: string) {
  stdin.write(text);
  await tick(80);
}

/** What the terminal shows after the last clear: the transcript as printed again. */
const sinceReprint = (frame: string) => frame.slice(frame.lastIndexOf("Welcome to the inn."));

test("Ctrl+K marks a message; Up/Down move the marker over any message; Esc leaves", async () => {
  const app = mount();
  await tick();
  await type(app.stdin, key.ctrlK);
  await until(app.lastFrame, (f) => f.includes("▶ Message 5 of 5"), "select mode on the last message");
  assert.match(app.lastFrame() ?? "", /▶ Message 5 of 5[^]*Latest answer[^]*e edit · v \$EDITOR · d delete · b branch/);
  await type(app.stdin, key.up);
  await type(app.stdin, key.up);
  await until(app.lastFrame, (f) => f.includes("▶ Message 3 of 5"), "moved up twice");
  assert.match(app.lastFrame() ?? "", /▶ Message 3 of 5\s*┃\s*┃ Mira\s*┃\s*┃ Old answer/);
  for (let i = 0; i < 5; i++) await type(app.stdin, key.up);
  await until(app.lastFrame, (f) => f.includes("▶ Message 1 of 5"), "stops at the first");
  await type(app.stdin, key.down);
  await until(app.lastFrame, (f) => f.includes("▶ Message 2 of 5"), "down again");
  await type(app.stdin, key.esc);
  await until(app.lastFrame, (f) => !f.includes("▶ Message"), "select mode left");
  assert.ok((app.lastFrame() ?? "").split("\n").length <= 24);
  app.unmount();
});

test("e edits an already printed message in the input; Enter saves it and the transcript is printed again", async () => {
  const app = mount();
  await tick();
  await type(app.stdin, key.ctrlK);
  await type(app.stdin, key.up);
  await type(app.stdin, key.up);
  await type(app.stdin, "e");
  await until(app.lastFrame, (f) => f.includes("│ Old answer"), "the message's text in the input");
  assert.match(app.lastFrame() ?? "", /Editing message 3: Enter saves/);
  for (const _ of "answer") await type(app.stdin, "\x7f");
  await type(app.stdin, "reply, mended");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Message edited") && sinceReprint(f).includes("Old reply, mended"), "the edit, printed again");
  assert.ok(app.frames.some((f) => f.includes("\x1b[2J")), "the screen was cleared to print again");
  const shown = sinceReprint(app.lastFrame() ?? "");
  assert.match(shown, /Mira\nOld reply, mended\n/);
  assert.doesNotMatch(shown, /Old answer/);
  assert.equal(app.saved.at(-1)?.messages[2]?.swipes[0]?.text, "Old reply, mended");
  assert.equal(app.saved.at(-1)?.messages.length, 5);
  app.unmount();
});

test("v opens the picked message in $EDITOR (a fake editor script) and saves what it wrote", async () => {
  const editor = await fakeEditor(`printf '%s Edited outside.\\n' "$(cat "$1")" > "$1.new" && mv "$1.new" "$1"`);
  const app = mount({ editor });
  await tick();
  await type(app.stdin, key.ctrlK);
  await type(app.stdin, key.up);
  await type(app.stdin, key.up);
  await type(app.stdin, key.up);
  await until(app.lastFrame, (f) => f.includes("▶ Message 2 of 5"), "the second message");
  await type(app.stdin, "v");
  await until(app.lastFrame, (f) => f.includes("Message edited") && sinceReprint(f).includes("Edited outside."), "the edit from the editor, printed again");
  assert.match(sinceReprint(app.lastFrame() ?? ""), /You\nFirst question Edited outside\.\n/);
  assert.equal(app.saved.at(-1)?.messages[1]?.swipes[0]?.text, "First question Edited outside.");
  app.unmount();
});

test("Alt+E opens the last message in $EDITOR; a failing editor changes nothing and says why", async () => {
  const editor = await fakeEditor("exit 2");
  const app = mount({ editor });
  await tick();
  await type(app.stdin, "\x1be");
  await until(app.lastFrame, (f) => f.includes("Edit failed:"), "the reason");
  assert.match((app.lastFrame() ?? "").replace(/\s+/g, " "), /exited with 2; the message is unchanged/);
  assert.match(sinceReprint(app.lastFrame() ?? ""), /Latest answer/);
  assert.ok(app.saved.every((c) => c.messages[4]?.swipes[0]?.text === "Latest answer"));
  app.unmount();
});

test("d deletes any message after y (n keeps it); the transcript is printed again without it", async () => {
  const app = mount();
  await tick();
  await type(app.stdin, key.ctrlK);
  await type(app.stdin, key.up);
  await type(app.stdin, key.up);
  await type(app.stdin, "d");
  await until(app.lastFrame, (f) => f.includes("Delete message 3 (Mira: Old answer)? y/n"), "the question");
  await type(app.stdin, "n");
  await until(app.lastFrame, (f) => f.includes("Kept"), "kept");
  await type(app.stdin, "d");
  await type(app.stdin, "y");
  await until(app.lastFrame, (f) => f.includes("Message deleted") && !sinceReprint(f).includes("Old answer"), "the deletion, printed again");
  const shown = sinceReprint(app.lastFrame() ?? "");
  assert.doesNotMatch(shown, /Old answer/);
  assert.match(shown, /First question[^]*Second question/);
  assert.deepEqual(app.saved.at(-1)?.messages.map((m) => m.id), ["m0", "m1", "m3", "m4"]);
  assert.match(app.lastFrame() ?? "", /▶ Message 3 of 4/, "the marker stays in select mode on the next message");
  app.unmount();
});

test("b branches from the picked message: a branch is made and opened at once", async () => {
  const branches: Chat[] = [];
  const app = mount({ deps: { create: async (chat) => void branches.push(chat) } });
  await tick();
  await type(app.stdin, key.ctrlK);
  await type(app.stdin, key.up);
  await type(app.stdin, "b");
  await until(() => String(app.opened.length), (n) => n === "1", "the branch opened");
  assert.deepEqual(branches[0]?.messages.map((m) => m.swipes[0]?.text), ["Welcome to the inn.", "First question", "Old answer", "Second question"], "the branch holds the messages up to the picked one");
  assert.deepEqual(app.opened, [{ characterId: "mira", chatId: branches[0]!.id }]);
  app.unmount();
});

test("/branch branches from the last message; /export says where the file went", async () => {
  const branches: Chat[] = [];
  const app = mount({ deps: { create: async (chat) => void branches.push(chat), exportChat: async (_chat, _user, path) => path ?? "/data/exports/Mira.jsonl" } });
  await tick();
  await type(app.stdin, "/export");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Exported to /data/exports/Mira.jsonl"), "the export notice");
  await type(app.stdin, "/branch");
  await type(app.stdin, "\r");
  await until(() => String(app.opened.length), (n) => n === "1", "the branch opened");
  assert.equal(branches[0]?.messages.length, 5, "from the last message");
  app.unmount();
});

test("Tab completes a command, then a preset name", async () => {
  const app = mount();
  await tick();
  await type(app.stdin, "/pre");
  await type(app.stdin, "\t");
  await until(app.lastFrame, (f) => f.includes("│ /preset "), "the command completed");
  await type(app.stdin, "de");
  await type(app.stdin, "\t");
  await until(app.lastFrame, (f) => f.includes("│ /preset Deterministic"), "the preset name completed");
  app.unmount();
});

test("closing mid-reply (SIGTERM unmounts the app) saves the partial reply", async () => {
  const app = mount({ replies: [["Half a sen"]], hold: true, messages: [] });
  await tick();
  await type(app.stdin, "go on");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Half a sen"), "the first chunk");
  app.unmount();
  // The app closes its chats on the way out: the stopped turn is saved then.
  await app.session.close();
  const last = app.saved.at(-1);
  assert.deepEqual(last?.messages.map((m) => m.swipes[0]?.text), ["go on", "Half a sen"]);
});

test("a long picked message shows its start within the terminal's rows", async () => {
  const long = Array.from({ length: 40 }, (_, i) => `Line ${i} of a very long reply that goes on and on past the edge of an eighty column terminal`).join("\n");
  const app = mount({ messages: [msg("m0", "assistant", long), msg("m1", "user", "ok")] });
  await tick();
  await type(app.stdin, key.ctrlK);
  await type(app.stdin, key.up);
  await until(app.lastFrame, (f) => f.includes("▶ Message 1 of 2"), "the long message picked");
  const frame = app.lastFrame() ?? "";
  const live = frame.slice(frame.indexOf("┏"));
  assert.ok(live.split("\n").length <= 24, `the live region fits 24 rows:\n${live}`);
  assert.match(live, /Line 0 of a very long reply/);
  assert.match(live, /… \d+ more rows/);
  app.unmount();
});
