import { test } from "node:test";
import assert from "node:assert/strict";
import { messageActions, type MessageActionDeps } from "../../../src/ui/chat/messageActions.ts";
import { initialChatScreen } from "../../../src/ui/chat/chatScreenState.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import type { ChatTarget } from "../../../src/app/chats/session.ts";
import { testSamplers } from "../../support/fakeServices.ts";
import { recorder } from "../../support/keyPress.ts";

const msg = (id: string, role: "user" | "assistant", text: string): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });
const messages = [msg("m0", "assistant", "Welcome to the inn,\n   traveller, and sit by the fire."), msg("m1", "user", "Thanks")];

interface Options {
  inputText?: string;
  busy?: boolean;
  editor?: (text: string) => Promise<string>;
  branch?: (index: number) => Promise<ChatTarget>;
  onOpenChat?: MessageActionDeps["onOpenChat"];
}

function deps(options: Options = {}) {
  const r = recorder();
  const state = initialChatScreen({ messages, draft: options.inputText ?? "", notice: null, samplers: testSamplers, presetName: null, persona: "You" });
  const d: MessageActionDeps = {
    session: { branch: options.branch ?? (async () => ({ characterId: "mira" })) },
    editExternally: options.editor ?? (async () => Promise.reject(new Error("no editor"))),
    onOpenChat: options.onOpenChat,
    state: { current: state },
    dispatch: r.fn("dispatch"),
    editAt: r.fn("editAt"),
    busy: () => options.busy ?? false,
  };
  return { actions: messageActions(d), calls: r.calls };
}

test("asking to delete names the message with its first 30 characters on one line", () => {
  const { actions, calls } = deps();
  actions.askDelete(0);
  assert.deepEqual(calls, [
    ["dispatch", { type: "set", patch: { confirmDelete: 0 } }],
    ["dispatch", { type: "notice", message: "Delete message 1 (Mira: Welcome to the inn, traveller,…)? y/n" }],
  ]);
  const none = deps();
  none.actions.askDelete(5);
  assert.deepEqual(none.calls, []);
});

test("editing puts the message's text in an empty input, and refuses to overwrite typed text", () => {
  const { actions, calls } = deps();
  actions.startEdit(1);
  assert.deepEqual(calls, [
    ["dispatch", { type: "set", patch: { editing: 1 } }],
    ["dispatch", { type: "input", action: { type: "set", text: "Thanks" } }],
    ["dispatch", { type: "notice", message: "Editing message 2: Enter saves, Ctrl+E cancels" }],
  ]);
  const typing = deps({ inputText: "half a thought" });
  typing.actions.startEdit(1);
  assert.deepEqual(typing.calls, [["dispatch", { type: "notice", message: "Empty the input first: the message's text goes there" }]]);
});

test("editing in $EDITOR prints the chat again and saves only a changed text", async () => {
  const changed = deps({ editor: async (text) => text.replace("Thanks", "Thank you") });
  changed.actions.editOutside(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(changed.calls, [["dispatch", { type: "reprint" }], ["editAt", 1, "Thank you"]]);
  const same = deps({ editor: async (text) => text });
  same.actions.editOutside(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(same.calls, [["dispatch", { type: "reprint" }], ["dispatch", { type: "notice", message: "Unchanged" }]]);
  const failing = deps();
  failing.actions.editOutside(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(failing.calls, [["dispatch", { type: "reprint" }], ["dispatch", { type: "notice", message: "Edit failed: no editor" }]]);
});

test("branching opens the branch the session made; it waits for a running reply", async () => {
  const opened: Array<[ChatTarget, string | undefined]> = [];
  const target: ChatTarget = { characterId: "mira", chatId: "c2" };
  const asked: number[] = [];
  const branch = async (index: number) => (asked.push(index), target);
  const { actions, calls } = deps({ branch, onOpenChat: (t, notice) => void opened.push([t, notice]) });
  actions.branchAt(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(asked, [1]);
  assert.deepEqual(calls, [["dispatch", { type: "notice", message: "Branching…" }]]);
  assert.deepEqual(opened, [[target, "A branch from message 2; the original chat is kept (Ctrl+O lists both)"]]);
  const busy = deps({ branch, onOpenChat: () => {}, busy: true });
  busy.actions.branchAt(1);
  assert.deepEqual(busy.calls, [["dispatch", { type: "notice", message: "A reply is being written: Ctrl+C stops it first" }]]);
  const alone = deps();
  alone.actions.branchAt(1);
  assert.deepEqual(alone.calls, [["dispatch", { type: "notice", message: "Branching needs the full app (start taproom without --character to switch chats)" }]]);
});
