import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import React from "react";
import { render } from "ink-testing-library";
import { ChatScreen } from "../../../src/ui/chat/ChatScreen.tsx";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { createAppServices } from "../../../src/ui/app/createServices.ts";
import type { ChatServices } from "../../../src/ui/app/services.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { scriptedServices, testSamplers } from "../../support/fakeServices.ts";
import { tick, until } from "../../support/frames.ts";

/** Scripted services that record, in order, every save the screen asks for. */
function recording(replies: string[][], opts: { hold?: boolean } = {}) {
  const fake = scriptedServices(replies, opts);
  const saves: string[] = [];
  const services: ChatServices = {
    ...fake.services,
    saveMessages: (messages) => void saves.push(`messages:${messages.length}`),
    saveDraft: (text) => void saves.push(`draft:${text}`),
  };
  return { ...fake, services, saves, drafts: () => saves.filter((s) => s.startsWith("draft:")).map((s) => s.slice("draft:".length)) };
}

function mount(services: ChatServices, options: { messages?: ChatMessage[]; draft?: string } = {}) {
  return render(
    <PrintLogProvider>
      <ChatScreen services={services} characterName="Mira" personaName="You" initialMessages={options.messages ?? []} initialDraft={options.draft} initialSamplers={testSamplers} color={false} rows={24} flushMs={10} onQuit={() => {}} />
    </PrintLogProvider>,
  );
}

async function type(stdin: { write(s: string): void }, text: string) {
  stdin.write(text);
  await tick(80);
}

const said = (id: string, role: "user" | "assistant", text: string): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });

test("unsent text is saved as the draft a second after typing stops, and at once when the screen closes", async () => {
  const fake = recording([]);
  const app = mount(fake.services);
  await type(app.stdin, "The rain has not stopped for three days");
  await until(app.lastFrame, (f) => f.includes("│ The rain has not stopped for three days"), "the typed text");
  assert.deepEqual(fake.drafts(), [], "not on every key");
  await until(() => fake.drafts().join("|"), (d) => d === "The rain has not stopped for three days", "the draft saved after the pause", 5000);
  await type(app.stdin, ", and the cellar floods.");
  app.unmount();
  assert.deepEqual(fake.drafts(), ["The rain has not stopped for three days", "The rain has not stopped for three days, and the cellar floods."]);
});

test("a saved draft opens in the input with the cursor at its end; sending clears it once the sent message is saved", async () => {
  const fake = recording([["Right ", "here."]], { hold: true });
  const app = mount(fake.services, { messages: [said("g", "assistant", "Hello.")], draft: "Where were we" });
  await until(app.lastFrame, (f) => f.includes("│ Where were we"), "the draft in the input");
  await tick();
  await type(app.stdin, "?");
  assert.match(app.lastFrame() ?? "", /│ Where were we\?/, "typing goes on at the end of the draft");
  await type(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Right"), "the reply streaming");
  assert.deepEqual(fake.drafts(), [], "while the reply is written the sent message is not saved yet: the draft keeps it");
  fake.release();
  await until(() => fake.saves.join(" "), (s) => s.includes("draft:"), "the draft cleared");
  assert.deepEqual(fake.saves, ["messages:1", "messages:3", "draft:"], "(the chat as opened,) the sent message and reply, then the draft cleared");
  app.unmount();
  assert.deepEqual(fake.drafts(), [""], "closing an empty input saves nothing more");
});

test("emptying the input clears the draft at once", async () => {
  const fake = recording([]);
  const app = mount(fake.services, { draft: "ok" });
  await until(app.lastFrame, (f) => f.includes("│ ok"), "the draft");
  await tick();
  await type(app.stdin, "\x7f\x7f");
  assert.deepEqual(fake.drafts(), [""]);
  app.unmount();
  assert.deepEqual(fake.drafts(), [""]);
});

test("Alt+I's text lands in the input and is the draft like typed text", async () => {
  const fake = recording([["You: I draw my sword."]]);
  const app = mount(fake.services, { messages: [said("g", "assistant", "A shadow moves.")] });
  await tick();
  await type(app.stdin, "\x1bi");
  await until(app.lastFrame, (f) => f.includes("│ I draw my sword."), "the impersonated text in the input");
  app.unmount();
  assert.deepEqual(fake.drafts(), ["I draw my sword."]);
});

test("a message being edited in the input is not made the draft when the chat is left", async () => {
  const fake = recording([]);
  const app = mount(fake.services, { messages: [said("u", "user", "hi"), said("a", "assistant", "Old reply")] });
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
  let runtime = await createAppServices({}, env);
  const stdout = { columns: 100, rows: 24, on() {}, off() {} };
  let app: ReturnType<typeof render> | undefined;
  app = render(
    <PrintLogProvider>
      <App services={runtime.services} stdout={stdout} color={false} keybindings={defaultKeybindings} start={{ characterId: "Brindle" }} onQuit={() => app?.unmount()} />
    </PrintLogProvider>,
  );
  await until(app.lastFrame, (f) => f.includes("? help"), "the chat");
  await tick();
  await type(app.stdin, paragraph);
  await until(app.lastFrame, (f) => f.includes(`│ ${paragraph}`), "the typed text");
  await type(app.stdin, "\x0f");
  const home = await until(app.lastFrame, (f) => f.includes("Recent chats"), "home");
  assert.match(home, /1 Brindle · .*1 message · ✎ draft · /);
  // The home screen's keys attach after its first frame: on a loaded machine "1" can come first, so it is sent again while home shows.
  for (const deadline = Date.now() + 30_000; (app.lastFrame() ?? "").includes("Recent chats") && Date.now() < deadline;) {
    await type(app.stdin, "1");
    for (const wait = Date.now() + 3000; (app.lastFrame() ?? "").includes("Recent chats") && Date.now() < wait;) await tick(20);
  }
  await until(app.lastFrame, (f) => f.includes(`│ ${paragraph}`), "the draft back in the input");
  await tick();
  await type(app.stdin, ".");
  await until(app.lastFrame, (f) => f.includes(`│ ${paragraph}.`), "typing at its end");
  // Ctrl+C twice quits; launchTui then closes the runtime, as here.
  await type(app.stdin, "\x03");
  await type(app.stdin, "\x03");
  await runtime.close();

  runtime = await createAppServices({}, env);
  const [entry] = await runtime.services.recentChats();
  const chat = await runtime.services.openChat({ characterId: entry!.characterId, chatId: entry!.id });
  assert.equal(chat.draft, `${paragraph}.`);
  chat.services.saveDraft?.("");
  await runtime.close();
  runtime = await createAppServices({}, env);
  const [after] = await runtime.services.recentChats();
  assert.equal(after!.hasDraft, undefined);
  assert.equal((await runtime.services.openChat({ characterId: after!.characterId, chatId: after!.id })).draft, undefined);
  await runtime.close();
});
