import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { directRegexFinder } from "../../../src/core/regexScripts/finder.ts";
import { readRegexScripts } from "../../../src/core/regexScripts/script.ts";
import { scriptedSession, testRoleplay } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { press, until } from "../../support/frames.ts";

const said = (id: string, role: "user" | "assistant", text: string): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });

test("a reply's reasoning streams into a folded block apart from the reply; Alt+R unfolds and folds it", async () => {
  const fake = scriptedSession([["Hi, ", "Bryn."]], { thoughts: [["The traveller ", "looks cold."]] });
  const app = mountChat(fake.session);
  await press(app.stdin, "Evening.");
  await press(app.stdin, "\r");
  await until(app.lastFrame, (f) => f.includes("Hi, Bryn."), "the reply");
  const folded = app.lastFrame() ?? "";
  assert.match(folded, /▸ Thought for 1\.2s \(alt\+r shows\)\n\s*Hi, Bryn\./, "one folded line above the reply");
  assert.doesNotMatch(folded, /looks cold/);
  await press(app.stdin, "\x1br");
  await until(app.lastFrame, (f) => f.includes("The traveller looks cold."), "the unfolded reasoning");
  assert.match(app.lastFrame() ?? "", /▾ Thought for 1\.2s \(alt\+r hides\)\n\s*The traveller looks cold\.\n\s*Hi, Bryn\./);
  await press(app.stdin, "\x1br");
  await until(app.lastFrame, (f) => !f.includes("looks cold"), "folded again");
  assert.equal(fake.saved.at(-1)?.messages.at(-1)?.swipes[0]?.text, "Hi, Bryn.", "the reasoning is never reply text");
  app.unmount();
});

test("a card's regex scripts are asked about when its chat opens; display scripts change what a message shows, not what is stored", async () => {
  const scripts = readRegexScripts([{ scriptName: "Stars", findRegex: "/\\*(.+?)\\*/g", replaceString: "«$1»", placement: [2], markdownOnly: true }], "test").scripts;
  const fake = scriptedSession([], {
    messages: [said("a", "assistant", "She *smiles*.")],
    roleplay: testRoleplay({ cardScripts: "ask", cardScriptCount: 2, regex: { scripts, finder: directRegexFinder } }),
  });
  const app = mountChat(fake.session);
  await until(app.lastFrame, (f) => f.includes("She «smiles»."), "the message through the script");
  assert.match((app.lastFrame() ?? "").replace(/\s+/g, " "), /Mira.s card has 2 regex scripts .*\/scripts allow runs them/);
  assert.equal(fake.session.chat().messages[0]?.swipes[0]?.text, "She *smiles*.");
  app.unmount();
});
