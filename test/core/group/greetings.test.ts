// A new group chat as SillyTavern's getGroupChat opens one (specs/groups.md §6): a greeting per
// member in list order, muted ones too, {{char}} as that member, one pick (then a batch id) per member.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createGroupChat, groupGreetingPool, humanizedDateTime } from "../../../src/core/group/greetings.ts";
import { memberMacros } from "../../../src/core/group/macros.ts";
import { speakerKey } from "../../../src/core/group/messages.ts";
import { formatStGroupChat } from "../../../src/core/group/stGroupChat.ts";
import { testEnv } from "../../support/chatFixtures.ts";
import { member, scripted } from "./fixtures.ts";

const persona = { name: "Sam", description: "" };

test("one greeting per member, muted included, picked from first message, alternates and group-only greetings", () => {
  const members = [
    member("Alice.png", "Alice", { first_mes: "Hi {{user}}.", group_only_greetings: ["Oh, a crowd! Hi, {{user}}."] }),
    member("Bob Stone.png", "Bob Stone", { first_mes: "", alternate_greetings: [] }),
    member("Cleo.png", "Cleo", { first_mes: "  {{char}} tunes a lute.  ", alternate_greetings: ["", "La."] }, true),
  ];
  const random = scripted(0.7, 0.5, 0.9, 0.5, 0.1, 0.5);
  const chat = createGroupChat({
    group: { id: "1727474556123", name: "The Inn" }, members, expand: memberMacros({ persona, members, chatId: "c" }), random, env: testEnv(),
  });
  assert.equal(random.left(), 0, "two draws per member, even one without a greeting");
  assert.deepEqual(chat.messages.map((m) => [m.name, m.swipes.map((s) => s.text), speakerKey(m)]), [
    ["Alice", ["Oh, a crowd! Hi, Sam."], "Alice.png"],
    ["Cleo", ["Cleo tunes a lute."], "Cleo.png"],
  ]);
  assert.equal(chat.groupId, "1727474556123");
  assert.equal(chat.characterName, "The Inn");
  assert.equal(chat.title, humanizedDateTime(new Date(Date.UTC(2026, 0, 1, 12, 0, 0))));
  // As SillyTavern writes a greeting: its speaker, thumbnail and batch id; no swipe list.
  const [, greeting] = formatStGroupChat(chat).split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(greeting, {
    name: "Alice", is_user: false, is_system: false, send_date: "2026-01-01T12:00:00.000Z", mes: "Oh, a crowd! Hi, Sam.",
    original_avatar: "Alice.png", force_avatar: "/thumbnail?type=avatar&file=Alice.png", extra: { gen_id: Date.UTC(2026, 0, 1, 12) * 0.5 * 1e6 },
  });
});

test("group-only greetings and the GroupGreetings extension's are in a group's pool, after the others", () => {
  const alice = member("Alice.png", "Alice", { first_mes: "A", alternate_greetings: ["B"], group_only_greetings: ["C"], extensions: { group_greetings: ["D", 5] } }).character;
  assert.deepEqual(groupGreetingPool(alice), ["A", "B", "C", "D"]);
});

test("SillyTavern's chat names: the local date and time", () => {
  assert.equal(humanizedDateTime(new Date(2024, 8, 28, 1, 2, 36)), "2024-09-28@01h02m36s");
});
