import { test } from "node:test";
import assert from "node:assert/strict";
import { completeKey, sendKey, type CompleteKeyContext, type SendKeyContext } from "../../../../src/ui/chat/keys/sendKeys.ts";
import { press, recorder } from "../../../support/keyPress.ts";

function sendContext(inputText: string, options: { editing?: number; loadingModel?: boolean; busy?: boolean; messageCount?: number } = {}) {
  const r = recorder();
  const ctx: SendKeyContext = {
    inputText, editing: options.editing ?? null, loadingModel: options.loadingModel ?? false, busy: () => options.busy ?? false,
    submitted: r.fn("submitted"), stopEditing: r.fn("stopEditing"), editAt: r.fn("editAt"), runCommand: r.fn("runCommand"), send: r.fn("send"), notify: r.fn("notify"),
    messageCount: options.messageCount ?? 2, replyNow: r.fn("replyNow"),
  };
  return { ctx, calls: r.calls };
}

test("Enter sends typed text, or runs it as a command when it starts with /", () => {
  const text = sendContext("Hello there");
  assert.equal(sendKey(press("enter"), text.ctx), true);
  assert.deepEqual(text.calls, [["submitted", "Hello there"], ["send", "Hello there"]]);
  const command = sendContext("/temp 0.7");
  sendKey(press("enter"), command.ctx);
  assert.deepEqual(command.calls, [["submitted", "/temp 0.7"], ["runCommand", "/temp 0.7"]]);
});

test("Enter while editing saves the edit in place of sending, even text starting with /", () => {
  const { ctx, calls } = sendContext("/not a command", { editing: 2 });
  sendKey(press("enter"), ctx);
  assert.deepEqual(calls, [["submitted", "/not a command"], ["stopEditing"], ["editAt", 2, "/not a command"]]);
});

test("Enter keeps the text when there is nothing to send, a model is loading or a reply is running", () => {
  for (const [text, options, expected] of [
    ["   ", {}, []],
    ["Hi", { loadingModel: true }, [["notify", "A model is loading: Enter sends once it is ready"]]],
    ["Hi", { busy: true }, []],
  ] as const) {
    const { ctx, calls } = sendContext(text, options);
    assert.equal(sendKey(press("enter"), ctx), true);
    assert.deepEqual(calls, expected);
  }
  assert.equal(sendKey(press("alt+enter"), sendContext("Hi").ctx), false);
});

test("Enter on an empty input asks the character for a reply, as SillyTavern's empty send does", () => {
  const empty = sendContext("");
  assert.equal(sendKey(press("enter"), empty.ctx), true);
  assert.deepEqual(empty.calls, [["replyNow"]]);
  for (const [options, expected] of [
    [{ messageCount: 0 }, []],
    [{ editing: 1 }, []],
    [{ busy: true }, []],
    [{ loadingModel: true }, [["notify", "A model is loading: Enter sends once it is ready"]]],
  ] as const) {
    const { ctx, calls } = sendContext("", options);
    sendKey(press("enter"), ctx);
    assert.deepEqual(calls, expected, JSON.stringify(options));
  }
});

function completeContext(inputText: string, options: string[]) {
  const r = recorder();
  const ctx: CompleteKeyContext = { inputText, completions: () => options, setInput: r.fn("setInput"), notify: r.fn("notify") };
  return { ctx, calls: r.calls };
}

test("Tab completes as far as the choices agree and lists them when there are several", () => {
  const one = completeContext("/te", ["/temp "]);
  assert.equal(completeKey(press("tab"), one.ctx), true);
  assert.deepEqual(one.calls, [["setInput", "/temp "]]);
  const several = completeContext("/p", ["/persona ", "/preset "]);
  completeKey(press("tab"), several.ctx);
  assert.deepEqual(several.calls, [["notify", "/persona, /preset"]]);
  const args = completeContext("/preset w", ["/preset warm", "/preset wild"]);
  completeKey(press("tab"), args.ctx);
  assert.deepEqual(args.calls, [["notify", "warm, wild"]]);
  const words = completeContext("/lore ", ["/lore on ", "/lore off "]);
  completeKey(press("tab"), words.ctx);
  assert.deepEqual(words.calls, [["setInput", "/lore o"], ["notify", "on, off"]], "no stray spaces in the list");
});

test("Tab lists at most eight choices and counts the rest", () => {
  const names = Array.from({ length: 11 }, (_, i) => `/model m${i}`);
  const { ctx, calls } = completeContext("/model m", names);
  completeKey(press("tab"), ctx);
  assert.deepEqual(calls, [["notify", "m0, m1, m2, m3, m4, m5, m6, m7, and 3 more"]]);
});
