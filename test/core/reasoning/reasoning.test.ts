import { test } from "node:test";
import assert from "node:assert/strict";
import {
  addReasoningToPrompt, DEFAULT_REASONING_SETTINGS, findReasoningTemplate, markersToTry, parseReasoningFromString, ReasoningSplitter, withTemplate,
  type ReasoningMarkers, type SplitChunk,
} from "../../../src/core/reasoning/index.ts";

const think: ReasoningMarkers = { prefix: "<think>", suffix: "</think>" };

/** Feeds the chunks, collecting what each view would show after each one. */
function stream(chunks: string[], splitter = new ReasoningSplitter({ markers: [think] })) {
  let reasoning = "";
  let reply = "";
  const seen: Array<[string, string]> = [];
  const take = (c: SplitChunk) => {
    reasoning += c.reasoning;
    reply += c.reply;
  };
  for (const chunk of chunks) {
    take(splitter.push(chunk));
    seen.push([reasoning, reply]);
  }
  take(splitter.finish());
  return { seen, reasoning, reply, splitter };
}

test("worked example R1: streamed reasoning and reply appear apart, never half a marker", () => {
  const { seen, reasoning, reply, splitter } = stream(["<thi", "nk>\nThe user", " greets.\n</thi", "nk>\n\nHel", "lo!"]);
  assert.deepEqual(seen, [
    ["", ""],
    ["The user", ""],
    ["The user greets.\n", ""],
    ["The user greets.\n", "Hel"],
    ["The user greets.\n", "Hello!"],
  ]);
  assert.equal(reasoning, "The user greets.\n");
  assert.equal(splitter.reasoning, "The user greets.", "stored trimmed");
  assert.equal(reply, "Hello!");
  assert.equal(splitter.hasReasoning, true);
});

test("a reply without a block is all reply; one that only looked like a prefix is given back whole", () => {
  assert.deepEqual([stream(["Hello ", "<think>x</think>"]).reply, stream(["Hello ", "<think>x</think>"]).splitter.reasoning], ["Hello <think>x</think>", ""]);
  assert.equal(stream(["<th", "ere"]).reply, "<there");
  assert.equal(stream(["<thi"]).reply, "<thi", "the stream ended on a partial prefix: it was text");
  const first = stream(["  \n<think>a</think>b <think>c</think>"]);
  assert.deepEqual([first.splitter.reasoning, first.reply], ["a", "b <think>c</think>"], "leading blanks allowed; only the first block is reasoning");
});

test("a stream that ends inside the block: everything is reasoning and the reply is empty", () => {
  let clock = 0;
  const splitter = new ReasoningSplitter({ markers: [think], now: () => clock, startedAt: 0 });
  const { reply } = stream(["<think>Still going </", "thi"], splitter);
  clock = 1500;
  assert.equal(reply, "");
  assert.equal(splitter.reasoning, "Still going </thi");
  assert.equal(splitter.durationMs, 0, "measured when the stream ended");
});

test("the duration runs from the start of generation to the suffix", () => {
  let clock = 100;
  const splitter = new ReasoningSplitter({ markers: [think], now: () => clock, startedAt: 0 });
  splitter.push("<think>plan");
  clock = 4210;
  splitter.push("</think>Hi");
  clock = 9000;
  splitter.finish();
  assert.equal(splitter.durationMs, 4210);
});

test("other common markers are recognised; parsing is off with a Blank template or auto_parse off", () => {
  const markers = markersToTry(DEFAULT_REASONING_SETTINGS);
  assert.deepEqual(markers[0], think, "the chosen template's markers first, without their whitespace");
  for (const [open, close] of [["<thinking>", "</thinking>"], ["[THINK]", "[/THINK]"], ["<|begin_of_thought|>", "<|end_of_thought|>"]]) {
    const { reply, splitter } = stream([`${open}plan${close}Answer`], new ReasoningSplitter({ markers }));
    assert.deepEqual([splitter.reasoning, reply], ["plan", "Answer"], open);
  }
  assert.deepEqual(markersToTry(withTemplate(DEFAULT_REASONING_SETTINGS, findReasoningTemplate("blank")!)), []);
  assert.deepEqual(markersToTry({ ...DEFAULT_REASONING_SETTINGS, auto_parse: false }), []);
  assert.deepEqual(markersToTry({ ...DEFAULT_REASONING_SETTINGS, detect_markers: false }), [think]);
  assert.equal(stream(["<think>x</think>y"], new ReasoningSplitter({ markers: [] })).reply, "<think>x</think>y");
});

test("worked example R4: a continued message left open extends its reasoning until the suffix", () => {
  const splitter = new ReasoningSplitter({ markers: [think], open: { markers: think, reasoning: "Step 1." } });
  const { reasoning, reply } = stream([" Step 2.</think>Done."], splitter);
  assert.equal(reasoning, " Step 2.");
  assert.equal(splitter.reasoning, "Step 1. Step 2.");
  assert.equal(reply, "Done.");
});

test("worked example R2: whole strings, strict and not", () => {
  assert.deepEqual(parseReasoningFromString("  <think>plan</think>\n\nAnswer", think), { reasoning: "plan", content: "Answer" });
  assert.deepEqual(parseReasoningFromString("Answer <think>plan</think>", think), { reasoning: "", content: "Answer <think>plan</think>" });
  assert.deepEqual(parseReasoningFromString("Answer <think>plan</think>", think, { strict: false }), { reasoning: "plan", content: "Answer" });
  assert.equal(parseReasoningFromString("x", { prefix: "", suffix: "" }), null);
});

test("worked example R3: with add_to_prompts, the newest message that has reasoning carries it, in the template's markers", () => {
  const deepSeek = { ...withTemplate(DEFAULT_REASONING_SETTINGS, findReasoningTemplate("DeepSeek")!), add_to_prompts: true, max_additions: 1 };
  const texts = ["Hi.", "How are you?", "Fine.", "Good."];
  const reasoning = ["Greet.", "", "Be brief.", ""];
  const depths: number[] = [];
  const out = addReasoningToPrompt(texts, (i, depth) => (depths.push(depth), reasoning[i]!), deepSeek, { continuing: false });
  assert.deepEqual(out.texts, ["Hi.", "How are you?", "<think>\nBe brief.\n</think>\n\nFine.", "Good."]);
  assert.deepEqual(depths, [0, 1], "walked back from the newest until the limit");
  assert.deepEqual(addReasoningToPrompt(texts, (i) => reasoning[i]!, { ...deepSeek, max_additions: 2 }, { continuing: false }).texts[0], "<think>\nGreet.\n</think>\n\nHi.");
  assert.deepEqual(addReasoningToPrompt(texts, (i) => reasoning[i]!, { ...deepSeek, add_to_prompts: false }, { continuing: false }).texts, texts, "off by default");
  assert.deepEqual(addReasoningToPrompt(texts, (i) => reasoning[i]!, { ...deepSeek, max_additions: 0 }, { continuing: false }).texts, texts);
});

test("continuing: the continued message carries its reasoning even with add_to_prompts off, left open when it has no reply yet", () => {
  const xml = withTemplate(DEFAULT_REASONING_SETTINGS, findReasoningTemplate("Think XML")!);
  const closed = addReasoningToPrompt(["Q", "Half an answer"], () => "Plan.", xml, { continuing: true });
  assert.deepEqual(closed.texts, ["Q", "<think>Plan.</think>\nHalf an answer"]);
  assert.equal(closed.open, undefined);
  const open = addReasoningToPrompt(["Q", ""], (i) => (i === 1 ? "Step 1." : "old"), xml, { continuing: true });
  assert.deepEqual(open.texts, ["Q", "<think>Step 1."]);
  assert.equal(open.open, "Step 1.");
});

test("reparse: replies that kept their thinking in the text have it split out, once, when asked", async () => {
  const { reparseReasoning } = await import("../../../src/core/reasoning/index.ts");
  const { testEnv } = await import("../../support/chatFixtures.ts");
  const message = (id: string, role: "user" | "assistant", texts: string[]) => ({ id, role, name: "x", swipes: texts.map((text) => ({ text, sentAt: "" })), swipeIndex: 0 });
  const chat = {
    id: "c", title: "t", characterId: "a", characterName: "A", createdAt: "", updatedAt: "", settings: {}, variables: {},
    messages: [message("1", "user", ["<think>not mine</think>hi"]), message("2", "assistant", ["<think>\nplan\n</think>\n\nAnswer", "No block", "Text <think>late</think>"])],
  };
  const out = reparseReasoning(chat, markersToTry(DEFAULT_REASONING_SETTINGS), testEnv());
  assert.equal(out.changed, 1);
  assert.deepEqual(out.chat.messages[1]!.swipes.map((s) => [s.text, s.reasoning?.text]), [["Answer", "plan"], ["No block", undefined], ["Text <think>late</think>", undefined]]);
  assert.equal(out.chat.messages[0], chat.messages[0], "the person's messages are left alone");
  assert.equal(reparseReasoning(out.chat, markersToTry(DEFAULT_REASONING_SETTINGS), testEnv()).changed, 0);
});
