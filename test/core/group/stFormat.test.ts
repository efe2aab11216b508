// SillyTavern's group files as its 2024 and 2025 code writes them (specs/groups.md §2, §3):
// read, migrated, and written back with every message line and unknown key unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { formatStGroup, GroupFormatError, parseStGroup } from "../../../src/core/group/stGroup.ts";
import { formatStGroupChat, isGroupChatHeader, parseStGroupChat } from "../../../src/core/group/stGroupChat.ts";
import { ChatFormatError } from "../../../src/core/chat/jsonl.ts";
import { testEnv } from "../../support/chatFixtures.ts";

const dir = join(import.meta.dirname, "st");
const read = (file: string) => readFileSync(join(dir, file), "utf8");
const GROUP_2024 = read("1727474556123.json");
const CHAT_NOW = "2024-09-28@01h02m36s";
const CHAT_PAST = "2024-09-27@22h10m05s";
const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>);

test("a 2024 group file: members, muted, strategy, and its chats' metadata migrated as SillyTavern 2025 does", () => {
  const { group, chatMetadata, membersByName } = parseStGroup(GROUP_2024, "1727474556123.json");
  assert.equal(membersByName, false);
  assert.deepEqual([group.id, group.name, group.members, group.muted], ["1727474556123", "The Inn", ["Alice.png", "Bob Stone.png", "Cleo.png"], ["Cleo.png"]]);
  assert.deepEqual([group.activationStrategy, group.generationMode, group.allowSelfResponses, group.autoModeDelay], [0, 0, false, 5]);
  assert.deepEqual([group.chatId, group.chats], [CHAT_NOW, [CHAT_PAST, CHAT_NOW]]);
  assert.deepEqual(chatMetadata[CHAT_NOW], { scenario: "A stormy night in the inn.", world_info: "Inn Lore", note_prompt: "", tainted: true });
  assert.deepEqual(chatMetadata[CHAT_PAST], { scenario: "" });
  assert.equal(group.extra.hideMutedSprites, true);
  assert.equal(group.extra.chat_size, 20480);
});

test("the 2024 group round-trips to the 2025 shape: no metadata in the group file, every other key as it was", () => {
  const { group } = parseStGroup(GROUP_2024, "g.json");
  const names = new Map([[CHAT_PAST, CHAT_PAST], [CHAT_NOW, CHAT_NOW]]);
  const out = JSON.parse(formatStGroup(group, { chatNames: names })) as Record<string, unknown>;
  const original = JSON.parse(GROUP_2024) as Record<string, unknown>;
  delete original.chat_metadata;
  delete original.past_metadata;
  assert.deepEqual(out, original);
  // SillyTavern writes groups with four-space indents.
  assert.match(formatStGroup(group, { chatNames: names }), /^\{\n {4}"id": "1727474556123",\n/);
  // The 2024 shape on request: the open chat's metadata and the others' past metadata.
  const legacy = JSON.parse(formatStGroup(group, { chatNames: names, legacyMetadata: new Map([[CHAT_NOW, { scenario: "x" }]]) })) as Record<string, unknown>;
  assert.deepEqual([legacy.chat_metadata, legacy.past_metadata], [{ scenario: "x" }, { [CHAT_PAST]: {} }]);
});

test("a headerless 2024 chat takes its metadata from the group; written back it starts with a 2025 header and every message line is unchanged", () => {
  const { group, chatMetadata } = parseStGroup(GROUP_2024, "g.json");
  const text = read(`${CHAT_NOW}.jsonl`);
  const chat = parseStGroupChat({ text, file: `${CHAT_NOW}.jsonl`, env: testEnv(), group, name: CHAT_NOW, metadata: chatMetadata[CHAT_NOW] });
  assert.equal(chat.groupId, "1727474556123");
  assert.equal(chat.characterName, "The Inn");
  assert.equal(chat.title, CHAT_NOW);
  assert.deepEqual(chat.settings, { scenario: "A stormy night in the inn.", lorebooks: ["Inn Lore"] });
  assert.deepEqual(chat.messages.map((m) => [m.name, m.role, m.hidden ?? false]), [
    ["SillyTavern System", "assistant", true], ["Alice", "assistant", false], ["Sam", "user", false], ["Bob Stone", "assistant", false],
  ]);
  const written = formatStGroupChat(chat);
  assert.ok(!written.endsWith("\n"), "SillyTavern writes no newline after the last line");
  const [header, ...messages] = lines(written);
  assert.ok(isGroupChatHeader(header));
  assert.deepEqual(header, { chat_metadata: chatMetadata[CHAT_NOW], user_name: "unused", character_name: "unused" });
  assert.deepEqual(messages, lines(text));
  // The 2024 shape: the messages alone.
  assert.deepEqual(lines(formatStGroupChat(chat, { legacy: true })), lines(text));
});

test("a 2025 chat keeps its own header, integrity key and all; a header alone is a chat with no messages", () => {
  const header = { chat_metadata: { integrity: "6f1c2a8e-3b7d-4c1e-9f2a-0d4e5b6c7a81", scenario: "A stormy night in the inn.", world_info: "Inn Lore", tainted: true }, user_name: "unused", character_name: "unused" };
  const greeting = { is_user: false, is_system: false, name: "Alice", send_date: "September 28, 2024 1:02am", original_avatar: "Alice.png", extra: { gen_id: 1092533190847123.4 }, mes: "Welcome to the inn, Sam!", force_avatar: "/thumbnail?type=avatar&file=Alice.png" };
  const text = [header, greeting].map((l) => JSON.stringify(l)).join("\n");
  const group = { id: "1727474556123", name: "The Inn" };
  const chat = parseStGroupChat({ text, file: "c.jsonl", env: testEnv(), group, name: "c", metadata: { scenario: "ignored: the header wins" } });
  assert.equal(chat.settings.personaName, undefined, '"unused" is no persona');
  assert.equal(chat.settings.scenario, "A stormy night in the inn.");
  assert.deepEqual(lines(formatStGroupChat(chat)), [header, greeting]);
  const empty = parseStGroupChat({ text: JSON.stringify(header), file: "c.jsonl", env: testEnv(), group, name: "c" });
  assert.equal(empty.messages.length, 0);
});

test("a changed scenario override and chat lorebook go back in the header", () => {
  const { group, chatMetadata } = parseStGroup(GROUP_2024, "g.json");
  const chat = parseStGroupChat({ text: read(`${CHAT_PAST}.jsonl`), file: "p.jsonl", env: testEnv(), group, name: CHAT_PAST, metadata: chatMetadata[CHAT_PAST] });
  assert.equal(chat.settings.scenario, undefined, "an empty override is none");
  const [header] = lines(formatStGroupChat({ ...chat, settings: { scenario: "Dawn.", lorebooks: ["Inn Lore"] } }));
  assert.deepEqual(header!.chat_metadata, { scenario: "Dawn.", world_info: "Inn Lore" });
  assert.deepEqual(lines(formatStGroupChat(chat))[0]!.chat_metadata, { scenario: "" }, "an untouched empty override stays as read");
});

test("legacy groups (no chat_id) list members by name and get chat_id and chats from the id; numbers become text", () => {
  const legacy = parseStGroup(JSON.stringify({ id: 1690000000000, name: "Old", members: ["Alice", "Bob", "Alice"] }), "old.json");
  assert.equal(legacy.membersByName, true);
  assert.deepEqual([legacy.group.id, legacy.group.chatId, legacy.group.chats, legacy.group.members, legacy.group.muted], ["1690000000000", "1690000000000", ["1690000000000"], ["Alice", "Bob"], []]);
  const numeric = parseStGroup(JSON.stringify({ id: "1", chat_id: 5, chats: [4, 5], members: [], fav: "true", activation_strategy: "1" }), "n.json");
  assert.deepEqual([numeric.group.chatId, numeric.group.chats, numeric.group.extra.fav, numeric.group.activationStrategy], ["5", ["4", "5"], true, 1]);
});

test("a wrong type is one line naming the file and the field; a bad chat line names its line", () => {
  assert.throws(() => parseStGroup(JSON.stringify({ id: "1", chat_id: "c", members: "Alice.png" }), "bad.json"), (e: unknown) =>
    e instanceof GroupFormatError && e.message === 'bad.json: "members" must be a list of avatar file names');
  assert.throws(() => parseStGroup(JSON.stringify({ id: "1", chat_id: "c", allow_self_responses: 3 }), "bad.json"), /bad\.json: "allow_self_responses" must be true or false/);
  assert.throws(() => parseStGroup("{", "bad.json"), /bad\.json: not valid JSON/);
  const group = { id: "1", name: "G" };
  assert.throws(() => parseStGroupChat({ text: '{"mes":"a","name":"A"}\n{oops', file: "c.jsonl", env: testEnv(), group, name: "c" }), (e: unknown) =>
    e instanceof ChatFormatError && /^c\.jsonl:2: not valid JSON/.test(e.message));
});
