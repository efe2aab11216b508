// A group turn for each activation strategy on the real (tiny) model: the strategy chooses with
// scripted random numbers, each member writes through llama.cpp, and each reply is saved as theirs.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Chat } from "../../src/core/chat/types.ts";
import { createGroupChat } from "../../src/core/group/greetings.ts";
import { memberMacros } from "../../src/core/group/macros.ts";
import { speakerKey } from "../../src/core/group/messages.ts";
import { newGroup } from "../../src/core/group/definition.ts";
import { playGroupTurn, type GroupTurnRequest } from "../../src/core/group/turn.ts";
import type { Group, MemberCard } from "../../src/core/group/types.ts";
import { resolveSamplers } from "../../src/core/samplers/validate.ts";
import { runChatTurn, type ChatTurnResult } from "../../src/engine/chatTurn.ts";
import { loadModel, type LoadedModel } from "../../src/engine/generation/loadModel.ts";
import { testEnv } from "../support/chatFixtures.ts";
import { writeTinyChatModel } from "../support/tinyGguf.ts";
import { member, scripted } from "../core/group/fixtures.ts";

let model: LoadedModel;
const persona = { name: "Sam", description: "" };
const samplers = resolveSamplers({ temperature: 0, maxTokens: 12, seed: 1 });

before(async () => {
  const dir = await mkdtemp(join(tmpdir(), "taproom-group-"));
  model = await loadModel({ path: await writeTinyChatModel(join(dir, "tiny.gguf")), gpu: "cpu", threads: 1, contextSize: 1024 });
});

after(async () => {
  await model.unload();
});

function theInn(): MemberCard[] {
  return [
    member("Alice.png", "Alice", { description: "A knight.", first_mes: "Welcome, {{user}}.", extensions: { talkativeness: 0.5 } }),
    member("Bob Stone.png", "Bob Stone", { description: "A thief.", first_mes: "Hm.", extensions: { talkativeness: 0.2 } }),
    member("Cleo.png", "Cleo", { description: "A bard.", extensions: { talkativeness: 0 } }, true),
  ];
}

function groupWith(activationStrategy: number, generationMode = 0): Group {
  return newGroup({ id: "1", name: "The Inn", chatId: "c", activationStrategy, generationMode, members: theInn().map((m) => ({ key: m.key, cardId: m.key, name: m.name })) });
}

async function turn(group: Group, chat: Chat, request: GroupTurnRequest, random: ReturnType<typeof scripted>, systemPrompt?: string) {
  const prompts: ChatTurnResult[] = [];
  const outcome = await playGroupTurn({
    group: { ...group, muted: ["Cleo.png"] }, members: theInn(), chat, persona, request, env: testEnv(), random,
    write: async (t) => {
      const result = await runChatTurn({ model, chat: t.chat, character: t.character, group: t.group, persona, settings: { samplers, template: "chatml", ...(systemPrompt && { systemPrompt }) }, mode: t.mode });
      prompts.push(result);
      return { text: result.text, generation: result.generation };
    },
  });
  assert.equal(random.left(), 0);
  return { outcome, prompts };
}

function opening(): Chat {
  const members = theInn();
  return createGroupChat({ group: { id: "1", name: "The Inn" }, members, expand: memberMacros({ persona, members, chatId: "c" }), random: scripted(0, 0.5, 0, 0.5, 0, 0.5), env: testEnv() });
}

test("natural: the person names Bob, Alice rolls in; both write with the tiny model, each reply saved as theirs", async () => {
  const { outcome, prompts } = await turn(groupWith(0), opening(), { kind: "normal", text: "Bob, a drink?" }, scripted(0.9, 0.1, 0.3, 0.9));
  assert.deepEqual(outcome.choice.speakers.map((s) => [s.name, s.why]), [["Bob Stone", "mentioned"], ["Alice", "talkativeness"]]);
  const tail = outcome.chat.messages.slice(-3);
  assert.deepEqual(tail.map((m) => [m.name, m.role, speakerKey(m) ?? null, m.swipes[0]!.text]), [
    ["Sam", "user", null, "Bob, a drink?"], ["Bob Stone", "assistant", "Bob Stone.png", "Hi, Bryn."], ["Alice", "assistant", "Alice.png", "Hi, Bryn."],
  ]);
  // Alice's prompt holds Bob's reply of this turn, named, and ends with her name; the others stop her.
  assert.ok(prompts[1]!.prompt.text.endsWith("<|im_start|>assistant\nBob Stone: Hi, Bryn.<|im_end|>\n<|im_start|>assistant\nAlice:"), prompts[1]!.prompt.text.slice(-120));
  assert.deepEqual(prompts[1]!.prompt.stops.slice(0, 3), ["\nSam:", "\nBob Stone:", "\nCleo:"]);
  // Both replies of one turn share a batch id (SillyTavern's extra.gen_id).
  const batches = tail.slice(1).map((m) => (m.extra!.extra as { gen_id: number }).gen_id);
  assert.equal(batches[0], batches[1]);
});

test("list: every unmuted member in list order; the muted one stays quiet", async () => {
  const { outcome } = await turn(groupWith(1), opening(), { kind: "normal", text: "Evening." }, scripted());
  assert.deepEqual(outcome.replies.map((r) => [r.speaker.name, r.text, r.saved]), [["Alice", "Hi, Bryn.", true], ["Bob Stone", "Hi, Bryn.", true]]);
});

test("manual: a typed message is saved with no reply; asked for, the muted Cleo speaks; an empty send draws one", async () => {
  const typed = await turn(groupWith(2), opening(), { kind: "normal", text: "Quiet night." }, scripted());
  assert.deepEqual(typed.outcome.replies, []);
  assert.equal(typed.outcome.chat.messages.at(-1)!.swipes[0]!.text, "Quiet night.");
  const asked = await turn(groupWith(2), typed.outcome.chat, { kind: "normal", force: "Cleo.png" }, scripted());
  assert.deepEqual(asked.outcome.replies.map((r) => [r.speaker.name, r.speaker.why]), [["Cleo", "forced"]]);
  assert.equal(speakerKey(asked.outcome.chat.messages.at(-1)!), "Cleo.png");
  const drawn = await turn(groupWith(2), asked.outcome.chat, { kind: "normal" }, scripted(0, 0.5));
  assert.deepEqual(drawn.outcome.replies.map((r) => [r.speaker.name, r.speaker.why]), [["Bob Stone", "manual-random"]]);
});

test("pooled: one member who has not spoken since the person wrote; a swipe keeps the speaker", async () => {
  const first = await turn(groupWith(3), opening(), { kind: "normal", text: "Who's first?" }, scripted(0.6));
  assert.deepEqual(first.outcome.replies.map((r) => r.speaker.name), ["Bob Stone"]);
  const next = await turn(groupWith(3), first.outcome.chat, { kind: "normal" }, scripted(0.6));
  assert.deepEqual(next.outcome.replies.map((r) => r.speaker.name), ["Alice"]);
  const swiped = await turn(groupWith(3), next.outcome.chat, { kind: "swipe" }, scripted());
  const last = swiped.outcome.chat.messages.at(-1)!;
  assert.deepEqual([last.name, speakerKey(last), last.swipes.length], ["Alice", "Alice.png", 2]);
});

test("join mode: the speaker's prompt holds every unmuted member's description, the same for each speaker", async () => {
  const { prompts } = await turn(groupWith(1, 1), opening(), { kind: "normal", text: "Tell me about yourselves." }, scripted());
  const system = prompts.map((p) => p.prompt.sections.filter((s) => s.kind === "card").map((s) => s.text).join(""));
  assert.ok(system[0]!.includes("A knight.\nA thief."), system[0]);
  assert.ok(!system[0]!.includes("A bard."));
  assert.equal(system[0], system[1]);
});

test("the KV cache across speakers: swap re-reads the prompt for each; join with a system prompt naming the group, not the speaker, reads only the new end", async () => {
  const evaluated = async (generationMode: number, systemPrompt?: string) => {
    const chat = { ...opening(), id: `kv-${generationMode}-${systemPrompt ? "group" : "speaker"}` };
    const { prompts } = await turn(groupWith(1, generationMode), chat, { kind: "normal", text: "Evening." }, scripted(), systemPrompt);
    const second = prompts[1]!.timings;
    return second.evaluatedPromptTokens / second.promptTokens;
  };
  // SillyTavern's default system prompt names {{char}} on the prompt's first line: each speaker changes it.
  assert.ok((await evaluated(0)) > 0.8, "swap");
  assert.ok((await evaluated(1)) > 0.8, "join, with the speaker in the system prompt");
  assert.ok((await evaluated(1, "Write the next reply in a fictional chat between {{group}} and {{user}}.")) < 0.25, "join, the group in the system prompt");
});

test("the chat's scenario override stands in for the speaker's scenario in swap mode, with {{char}} as the speaker", async () => {
  const chat: Chat = { ...opening(), settings: { scenario: "A storm; {{char}} bars the door." } };
  const { prompts } = await turn(groupWith(1), chat, { kind: "normal", text: "Evening." }, scripted());
  assert.match(prompts[0]!.prompt.text, /\nScenario: A storm; Alice bars the door\.<\|im_end\|>\n/);
  assert.match(prompts[1]!.prompt.text, /\nScenario: A storm; Bob Stone bars the door\.<\|im_end\|>\n/);
});
