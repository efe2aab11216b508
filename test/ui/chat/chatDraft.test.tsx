import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { createApp } from "../../../src/app/app.ts";
import type { ChatSession } from "../../../src/app/chats/session.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { noEditor } from "../../support/fakeAppServices.ts";
import { tick, until } from "../../support/frames.ts";

/** A scripted session that records, in order, every draft the screen saves through it; `saved` has every chat it wrote. */
function recording(replies: string[][], opts: { hold?: boolean; messages?: ChatMessage[]; draft?: string } = {}) {
  const fake = scriptedSession(replies, opts);
  const drafts: string[] = [];
  const session: ChatSession = { ...fake.session, setDraft: (text) => (drafts.push(text), fake.session.setDraft(text)) };
  return { ...fake, session, drafts: () => drafts };
}

function mount(session: ChatSession) {
  return mountChat(session);
}

async function type(stdin: { write(s: string): void }, text: string) {
  stdin.write(text);
  await tick(80);
}

const said = (id: string, role: "user" | "assistant", text: string): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });

test("unsent text is saved as the draft a second after typing stops, and at once when the screen closes", async () => {
  const fake = recording([]);
  const app = mount(fake.session);
  await type(app.stdin, "The rain has not stopped for three days");
  await until(app.lastFrame, (f) => f.includes("│ The rain has not stopped for three days"), "the typed text");
  assert.deepEqual(fake.drafts(), [], "not on every key");
  await until(() => fake.drafts().join("|"), (d) => d === "The rain has not stopped for three days", "the draft saved after the pause", 5000);
  await type(app.stdin, ", and the cellar floods.");
  app.unmount();
  assert.deepEqual(fake.drafts(), ["The rain has not stopped for three days", "The rain has not stopped for three days, and the cellar floods."]);
});

test("a saved draft opens in the input with the cursor at its end; sending clears it once the sent message is saved", async () => {
  const fake = recording([["Right ", "here."]], { hold: true, messages: [said("g", "assistant", "Hello.")], draft: "Where were we" });
  const app = mount(fake.session);
  await until(app.lastFrame, (f) => f.includes("│ Where were we"), "the draft in the input");
  await tick();
  await type(app.stdin, "?");
  assert.match(app.lastFrame() ?? "", /│ Where were we\?/, "typing goes on at the end of the draft");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Right"), "the reply streaming");
  assert.deepEqual(fake.drafts(), [], "while the reply is written the sent message is not saved yet: the draft keeps it");
  fake.release();
  await until(() => String(fake.saved.length), (n) => n !== "0", "the turn saved");
  assert.deepEqual(fake.saved.map((c) => [c.messages.length, c.draft]), [[3, undefined]], "the sent message and the reply saved together, the draft gone with them");
  app.unmount();
  assert.deepEqual(fake.drafts(), [""], "closing an empty input saves nothing more");
});

test("emptying the input clears the draft at once", async () => {
  const fake = recording([], { draft: "ok" });
  const app = mount(fake.session);
  await until(app.lastFrame, (f) => f.includes("│ ok"), "the draft");
  await tick();
  await type(app.stdin, "\x7f\x7f");
  assert.deepEqual(fake.drafts(), [""]);
  app.unmount();
  assert.deepEqual(fake.drafts(), [""]);
});

test("Alt+I's text lands in the input and is the draft like typed text", async () => {
  const fake = recording([["You: I draw my sword."]], { messages: [said("g", "assistant", "A shadow moves.")] });
  const app = mount(fake.session);
  await tick();
  await type(app.stdin, "\x1bi");
  await until(app.lastFrame, (f) => f.includes("│ I draw my sword."), "the impersonated text in the input");
  app.unmount();
  assert.deepEqual(fake.drafts(), ["I draw my sword."]);
});

test("a message being edited in the input is not made the draft when the chat is left", async () => {
  const fake = recording([], { messages: [said("u", "user", "hi"), said("a", "assistant", "Old reply")] });
  const app = mount(fake.session);
  await tick();
  await type(app.stdin, "\x05");
  await until(app.lastFrame, (f) => f.includes("│ Old reply"), "the message in the input");
  await type(app.stdin, " edited");
  app.unmount();
  assert.deepEqual(fake.drafts(), []);
});

test("on the real store: typed text is back after Ctrl+O and reopening, and after quitting; home marks the chat", async () => {
  const env = { TAPROOM_HOME: await mkdtemp(join(tmpdir(), "taproom-draft-")) };
  const paragraph = "I spread the map on the table and point at the river crossing";
  let runtime = createApp({ env: env });
  const stdout = { columns: 100, rows: 24, on() {}, off() {} };
  let app: ReturnType<typeof render> | undefined;
  app = render(
    <PrintLogProvider>
      <App app={runtime} editExternally={noEditor} stdout={stdout} color={false} keybindings={defaultKeybindings} start={{ characterId: "Brindle" }} onQuit={() => app?.unmount()} />
    </PrintLogProvider>,
  );
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  await tick();
  await type(app.stdin, paragraph);
  await until(app.lastFrame, (f) => f.includes(`│ ${paragraph}`), "the typed text");
  await type(app.stdin, "\x0f");
  const home = await until(app.lastFrame, (f) => f.includes("Recent chats"), "home");
  assert.match(home, /1 Brindle · .*1 message · ✎ draft · /);
  await type(app.stdin, "1");
  await until(app.lastFrame, (f) => f.includes(`│ ${paragraph}`), "the draft back in the input");
  await tick();
  await type(app.stdin, ".");
  await until(app.lastFrame, (f) => f.includes(`│ ${paragraph}.`), "typing at its end");
  // Ctrl+C twice quits; launchTui then closes the runtime, as here.
  await type(app.stdin, "\x03");
  await type(app.stdin, "\x03");
  await runtime.close();

  runtime = createApp({ env: env });
  const [entry] = await runtime.chats.list();
  const chat = await runtime.chats.open({ characterId: entry!.characterId, chatId: entry!.id });
  assert.equal(chat.chat().draft, `${paragraph}.`);
  chat.setDraft("");
  await runtime.close();
  runtime = createApp({ env: env });
  const [after] = await runtime.chats.list();
  assert.equal(after!.hasDraft, undefined);
  assert.equal((await runtime.chats.open({ characterId: after!.characterId, chatId: after!.id })).chat().draft, undefined);
  await runtime.close();
});
