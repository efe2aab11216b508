import { test } from "node:test";
import assert from "node:assert/strict";
import { ChatFormatError, formatChatJsonl, parseChatJsonl, sillyTavernDateToIso } from "../../../src/core/chat/jsonl.ts";
import { setDraft } from "../../../src/core/chat/operations.ts";
import { testEnv } from "../../support/chatFixtures.ts";

const lines = [
  { user_name: "Ann", character_name: "Seraphina", create_date: "2026-01-01@12h00m00s", chat_metadata: { note_prompt: "Be brief.", variables: { mood: "calm", count: 3 }, tainted: true }, custom_top: 1 },
  { name: "Seraphina", is_user: false, is_system: false, send_date: "January 1, 2026 12:00pm", mes: "Welcome.", swipes: ["Welcome.", "Hello."], swipe_id: 0, swipe_info: [{ send_date: "January 1, 2026 12:00pm", extra: {} }, { send_date: "January 1, 2026 12:01pm", gen_started: "x", extra: { api: "koboldcpp" } }], extra: {}, force_avatar: "a.png" },
  { name: "Ann", is_user: true, is_system: false, send_date: "January 1, 2026 12:02pm", mes: "Hi!", extra: { bias: "" } },
  { name: "Seraphina", is_user: false, is_system: true, send_date: "January 1, 2026 12:03pm", mes: "Second", swipes: ["First", "Second", "Third"], swipe_id: 1, swipe_info: [], extra: { model: "tiny.gguf", api: "llamacpp" }, gen_started: "2026-01-01T12:03:00Z", gen_finished: "2026-01-01T12:03:05Z" },
  { name: "System", is_user: false, is_system: true, send_date: "January 1, 2026 12:04pm", mes: "The scene changes.", extra: { type: "narrator" } },
];
const file = lines.map((l) => JSON.stringify(l)).join("\n") + "\n";

function parse(text: string, name = "chat.jsonl") {
  return parseChatJsonl({ text, file: name, env: testEnv(), title: "Imported" });
}

test("a SillyTavern chat imports with swipes, hidden messages, narrator and metadata", () => {
  const chat = parse(file);
  assert.equal(chat.characterName, "Seraphina");
  assert.equal(chat.createdAt, "2026-01-01@12h00m00s");
  assert.equal(chat.settings.personaName, "Ann");
  assert.deepEqual(chat.variables, { mood: "calm", count: "3" });
  assert.deepEqual(chat.messages.map((m) => [m.role, m.name, m.swipes[m.swipeIndex]!.text, m.hidden ?? false]), [
    ["assistant", "Seraphina", "Welcome.", false],
    ["user", "Ann", "Hi!", false],
    ["assistant", "Seraphina", "Second", true],
    ["system", "System", "The scene changes.", false],
  ]);
  assert.deepEqual(chat.messages[2]!.swipes.map((s) => s.text), ["First", "Second", "Third"]);
  assert.equal(chat.messages[0]!.swipes[1]!.sentAt, "January 1, 2026 12:01pm");
  assert.deepEqual(chat.messages[0]!.extra, { extra: {}, force_avatar: "a.png" });
  assert.deepEqual(chat.messages[2]!.extra, { extra: { model: "tiny.gguf", api: "llamacpp" }, gen_started: "2026-01-01T12:03:00Z", gen_finished: "2026-01-01T12:03:05Z" });
});

test("import -> export -> import gives the same chat, unknown keys included", () => {
  const first = parse(file);
  const exported = formatChatJsonl(first);
  const second = parse(exported);
  assert.deepEqual(second, first);
  const out = exported.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(out[0], { custom_top: 1, user_name: "Ann", character_name: "Seraphina", create_date: "2026-01-01@12h00m00s", chat_metadata: lines[0]!.chat_metadata });
  assert.deepEqual(out[1], lines[1], "an untouched SillyTavern message comes back as it was");
  assert.deepEqual(out[2], lines[2]);
  assert.equal(out[3]!.is_system, true);
  assert.deepEqual(out[3]!.swipes, ["First", "Second", "Third"]);
  assert.equal(out[3]!.swipe_id, 1);
  assert.equal(out[3]!.gen_started, "2026-01-01T12:03:00Z");
  assert.deepEqual(out[4], lines[4]);
});

test("an unsent draft is taproom's own: the export is the same with or without it", () => {
  const chat = parse(file);
  const drafted = setDraft(chat, "Half a thought…", testEnv());
  const exported = formatChatJsonl(drafted);
  assert.equal(exported, formatChatJsonl(chat));
  assert.doesNotMatch(exported, /Half a thought/);
});

test("a chat made in taproom exports as SillyTavern JSONL", () => {
  const env = testEnv();
  const chat = {
    id: "c1", title: "t", characterId: "s", characterName: "Seraphina", createdAt: "2026-01-01T12:00:00.000Z", updatedAt: "2026-01-01T12:00:00.000Z",
    settings: {}, variables: {},
    messages: [
      { id: env.newId(), role: "user" as const, name: "You", swipes: [{ text: "Hi", sentAt: "d1" }], swipeIndex: 0 },
      { id: env.newId(), role: "assistant" as const, name: "Seraphina", swipes: [{ text: "A", sentAt: "d2", generation: { model: "m.gguf", startedAt: "s", finishedAt: "f" } }, { text: "B", sentAt: "d3" }], swipeIndex: 1 },
    ],
  };
  const out = formatChatJsonl(chat, "Ann").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(out[0], { user_name: "Ann", character_name: "Seraphina", create_date: "2026-01-01T12:00:00.000Z", chat_metadata: {} });
  assert.deepEqual(out[1], { name: "You", is_user: true, is_system: false, send_date: "d1", mes: "Hi" });
  assert.deepEqual(out[2], {
    name: "Seraphina", is_user: false, is_system: false, send_date: "d3", mes: "B", swipes: ["A", "B"], swipe_id: 1,
    swipe_info: [{ send_date: "d2", gen_started: "s", gen_finished: "f", extra: { model: "m.gguf" } }, { send_date: "d3" }],
  });
});

test("bad lines are errors naming the file and line", () => {
  const broken = file.split("\n");
  broken[2] = '{"name": "Ann", "mes": ';
  assert.throws(() => parse(broken.join("\n"), "ann.jsonl"), (e: unknown) => e instanceof ChatFormatError && /^ann\.jsonl:3: not valid JSON/.test(e.message) && e.line === 3);
  const noMes = file.split("\n");
  noMes[4] = JSON.stringify({ name: "x", is_user: false });
  assert.throws(() => parse(noMes.join("\n")), /chat\.jsonl:5: "mes" must be a string/);
  assert.throws(() => parse(`${JSON.stringify(lines[0])}\n[1,2]\n`), /chat\.jsonl:2: expected a JSON object/);
  assert.throws(() => parse(`${JSON.stringify(lines[1])}\n`), /chat\.jsonl:1: the first line must be the chat metadata/);
  assert.throws(() => parse("\n\n"), /chat\.jsonl:1: empty file/);
  const badSwipe = { ...lines[1], swipe_id: 5 };
  assert.throws(() => parse(`${JSON.stringify(lines[0])}\n${JSON.stringify(badSwipe)}\n`), /chat\.jsonl:2: "swipe_id" must be a whole number below 2/);
  const badUser = { ...lines[2], is_user: "yes" };
  assert.throws(() => parse(`${JSON.stringify(lines[0])}\n${JSON.stringify(badUser)}\n`), /chat\.jsonl:2: "is_user" must be true or false/);
});

test("Windows line endings and blank lines are accepted", () => {
  assert.deepEqual(parse(file.replace(/\n/g, "\r\n\r\n")), parse(file));
});

test("SillyTavern's date styles read as ISO times; the chat's updatedAt is its last message's", () => {
  const local = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).toISOString();
  assert.equal(sillyTavernDateToIso("2026-01-01@12h05m00s"), local(2026, 1, 1, 12, 5));
  assert.equal(sillyTavernDateToIso("January 1, 2026 12:04pm"), local(2026, 1, 1, 12, 4));
  assert.equal(sillyTavernDateToIso("November 24, 2026 10:46 PM"), local(2026, 11, 24, 22, 46));
  assert.equal(sillyTavernDateToIso("2026-01-01T12:03:00.000Z"), "2026-01-01T12:03:00.000Z");
  assert.equal(sillyTavernDateToIso("someday"), undefined);
  assert.equal(parse(file).updatedAt, local(2026, 1, 1, 12, 4));
});

test("SillyTavern's author's note (note_prompt, depth, interval, role) comes in as the chat's note and goes back out", () => {
  const withNote = (meta: Record<string, unknown>) => [JSON.stringify({ user_name: "Ann", character_name: "Seraphina", create_date: "d", chat_metadata: meta }), JSON.stringify(lines[2])].join("\n");
  const chat = parse(withNote({ note_prompt: "[Style: terse]", note_depth: 2, note_interval: "3", note_role: 1, note_position: 1 }));
  assert.deepEqual(chat.settings.authorsNote, { text: "[Style: terse]", depth: 2, frequency: 3, role: "user" });
  assert.deepEqual(parse(file).settings.authorsNote, { text: "Be brief.", depth: 4, frequency: 1, role: "system" }, "SillyTavern's defaults where it wrote none");
  assert.equal(parse(withNote({ note_prompt: "", note_depth: 4 })).settings.authorsNote, undefined, "an empty note is none");
  const changed = { ...chat, settings: { ...chat.settings, authorsNote: { text: "[Style: lush]", depth: 6, frequency: 1, role: "assistant" as const } } };
  const meta = (c: typeof chat) => (JSON.parse(formatChatJsonl(c).split("\n")[0]!) as { chat_metadata: Record<string, unknown> }).chat_metadata;
  assert.deepEqual(meta(changed), { note_prompt: "[Style: lush]", note_depth: 6, note_interval: 1, note_role: 2, note_position: 1 });
  const removed = { ...chat, settings: { personaName: "Ann" } };
  assert.equal(meta(removed).note_prompt, "", "a note taken out in taproom is empty in SillyTavern too");
  assert.throws(() => parse(withNote({ note_prompt: "x", note_depth: -1 }), "bad.jsonl"), (e: Error) => e instanceof ChatFormatError && /^bad\.jsonl:1: chat_metadata\.note_depth: must be a whole number/.test(e.message));
  assert.throws(() => parse(withNote({ note_prompt: "x", note_role: 7 })), /chat_metadata\.note_role: must be 0 \(system\), 1 \(user\) or 2 \(assistant\)/);
});

test("SillyTavern's chat lorebook (chat_metadata.world_info) is attached to the chat, and goes back out as the first attached book", () => {
  const withBook = (meta: Record<string, unknown>) => [JSON.stringify({ user_name: "Ann", character_name: "Seraphina", create_date: "d", chat_metadata: meta }), JSON.stringify(lines[2])].join("\n");
  const chat = parse(withBook({ world_info: "Harbour Town", note_prompt: "" }));
  assert.deepEqual(chat.settings.lorebooks, ["Harbour Town"]);
  assert.equal(parse(withBook({ world_info: "" })).settings.lorebooks, undefined);
  const meta = (c: typeof chat) => (JSON.parse(formatChatJsonl(c).split("\n")[0]!) as { chat_metadata: Record<string, unknown> }).chat_metadata;
  assert.deepEqual(meta(chat), { world_info: "Harbour Town", note_prompt: "" }, "untouched, as it came");
  assert.equal(meta({ ...chat, settings: { ...chat.settings, lorebooks: ["Gulls", "Harbour Town"] } }).world_info, "Gulls");
  assert.equal("world_info" in meta({ ...chat, settings: { personaName: "Ann" } }), false, "a book taken off the chat is off in SillyTavern too");
});

test("reasoning (extra.reasoning*) and the summary (extra.memory) come in as fields of their own and go back out as SillyTavern wrote them", () => {
  const reasoning = { api: "textgenerationwebui", model: "qwq-32b", reasoning: "The user greets me. Answer warmly.", reasoning_duration: 4210, reasoning_type: "parsed" };
  const alice = {
    name: "Alice", is_user: false, is_system: false, send_date: "April 2, 2025 9:14pm", mes: "Hello!", extra: { ...reasoning, memory: "Sam arrived at the inn." },
    gen_started: "2025-04-02T19:14:01.000Z", gen_finished: "2025-04-02T19:14:09.000Z", swipe_id: 1, swipes: ["Hi.", "Hello!"],
    swipe_info: [
      { send_date: "April 2, 2025 9:13pm", extra: { api: "textgenerationwebui", reasoning: "", reasoning_duration: 900, reasoning_signature: "sig" } },
      { send_date: "April 2, 2025 9:14pm", gen_started: "2025-04-02T19:14:01.000Z", gen_finished: "2025-04-02T19:14:09.000Z", extra: reasoning },
    ],
  };
  const text = `${JSON.stringify(lines[0])}\n${JSON.stringify(alice)}\n${JSON.stringify(lines[2])}\n`;
  const chat = parse(text);
  const message = chat.messages[0]!;
  assert.deepEqual(message.swipes.map((s) => s.reasoning), [
    { text: "", durationMs: 900, signature: "sig" },
    { text: "The user greets me. Answer warmly.", durationMs: 4210, type: "parsed" },
  ]);
  assert.equal(message.memory, "Sam arrived at the inn.");
  assert.equal(message.swipes[1]!.text, "Hello!", "mes never holds the reasoning");
  assert.deepEqual(message.extra?.extra, { api: "textgenerationwebui", model: "qwq-32b" }, "kept once, in its own field");
  const out = formatChatJsonl(chat).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(out[1], alice, "every field comes back");
  assert.deepEqual(parse(formatChatJsonl(chat)), chat);
});

test("a reasoning field of the wrong type is not taken: it stays in extra as it was", () => {
  const odd = { ...lines[2], extra: { reasoning: 42, reasoning_type: "parsed", memory: ["x"] } };
  const chat = parse(`${JSON.stringify(lines[0])}\n${JSON.stringify(odd)}\n`);
  assert.equal(chat.messages[0]!.swipes[0]!.reasoning, undefined);
  assert.equal(chat.messages[0]!.memory, undefined);
  assert.deepEqual(JSON.parse(formatChatJsonl(chat).split("\n")[1]!), odd);
});
