import { test } from "node:test";
import assert from "node:assert/strict";
import { messageActions, type MessageActionDeps } from "../../../src/ui/chat/messageActions.ts";
import { initialSession } from "../../../src/ui/chat/chatSession.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import type { ChatTarget } from "../../../src/ui/app/appServices.ts";
import { recorder } from "../../support/keyPress.ts";

const msg = (id: string, role: "user" | "assistant", text: string): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });
const messages = [msg("m0", "assistant", "Welcome to the inn,\n   traveller, and sit by the fire."), msg("m1", "user", "Thanks")];

function deps(options: { inputText?: string; busy?: boolean; services?: MessageActionDeps["services"]; onOpenChat?: MessageActionDeps["onOpenChat"] } = {}) {
  const r = recorder();
  const d: MessageActionDeps = {
    services: options.services ?? {},
    onOpenChat: options.onOpenChat,
    session: { current: initialSession(messages) },
    inputText: { current: options.inputText ?? "" },
    dispatch: r.fn("dispatch"),
    dispatchInput: r.fn("dispatchInput"),
    setEditing: r.fn("setEditing"),
    setConfirmDelete: r.fn("setConfirmDelete"),
    busy: () => options.busy ?? false,
  };
  return { actions: messageActions(d), calls: r.calls };
}

test("asking to delete names the message with its first 30 characters on one line", () => {
  const { actions, calls } = deps();
  actions.askDelete(0);
  assert.deepEqual(calls, [
    ["setConfirmDelete", 0],
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
    ["setEditing", 1],
    ["dispatchInput", { type: "set", text: "Thanks" }],
    ["dispatch", { type: "notice", message: "Editing message 2: Enter saves, Ctrl+E cancels" }],
  ]);
  const typing = deps({ inputText: "half a thought" });
  typing.actions.startEdit(1);
  assert.deepEqual(typing.calls, [["dispatch", { type: "notice", message: "Empty the input first: the message's text goes there" }]]);
});

test("editing in $EDITOR prints the chat again and saves only a changed text", async () => {
  const changed = deps({ services: { editExternally: async (text) => text.replace("Thanks", "Thank you") } });
  changed.actions.editOutside(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(changed.calls, [["dispatch", { type: "reprint" }], ["dispatch", { type: "editAt", index: 1, text: "Thank you" }]]);
  const same = deps({ services: { editExternally: async (text) => text } });
  same.actions.editOutside(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(same.calls, [["dispatch", { type: "reprint" }], ["dispatch", { type: "notice", message: "Unchanged" }]]);
  const none = deps();
  none.actions.editOutside(1);
  assert.deepEqual(none.calls, [["dispatch", { type: "notice", message: "No external editor here" }]]);
});

test("branching saves what is shown first, then opens the branch; it waits for a running reply", async () => {
  const saved: ChatMessage[][] = [];
  const opened: Array<[ChatTarget, string | undefined]> = [];
  const target: ChatTarget = { characterId: "mira", chatId: "c2" };
  const services = { saveMessages: (m: ChatMessage[]) => void saved.push(m), branch: async () => target };
  const { actions, calls } = deps({ services, onOpenChat: (t, notice) => void opened.push([t, notice]) });
  actions.branchAt(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(saved, [messages]);
  assert.deepEqual(calls, [["dispatch", { type: "notice", message: "Branching…" }]]);
  assert.deepEqual(opened, [[target, "A branch from message 2; the original chat is kept (Ctrl+O lists both)"]]);
  const busy = deps({ services, onOpenChat: () => {}, busy: true });
  busy.actions.branchAt(1);
  assert.deepEqual(busy.calls, [["dispatch", { type: "notice", message: "A reply is being written: Ctrl+C stops it first" }]]);
  const unsaved = deps();
  unsaved.actions.branchAt(1);
  assert.deepEqual(unsaved.calls, [["dispatch", { type: "notice", message: "Branching needs a saved chat" }]]);
});
