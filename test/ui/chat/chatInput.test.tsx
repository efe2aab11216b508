import { test } from "node:test";
import assert from "node:assert/strict";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { tick, until } from "../../support/frames.ts";


function mount(fake = scriptedSession([["Got it."]])) {
  const app = mountChat(fake.session, { columns: 80 });
  return { app, fake };
}

test("a 5,000-character paste stays intact, the screen within 24 rows, and is sent whole", async () => {
  const { app, fake } = mount();
  await tick();
  const paste = Array.from({ length: 50 }, (_, i) => `${String(i).padStart(2, "0")} ${"lorem ipsum dolor sit amet ".repeat(4).slice(0, 97)}`).join("\n").slice(0, 5000);
  assert.equal(paste.length, 5000);
  const started = Date.now();
  app.stdin.write(paste);
  await until(app.lastFrame, (f) => f.includes("more rows"), "the pasted text");
  const pasteMs = Date.now() - started;
  const frame = app.lastFrame() ?? "";
  assert.ok(frame.split("\n").length <= 24, `the screen fits 24 rows:\n${frame}`);
  assert.match(frame, /↑ \d+ more rows/);
  assert.equal(fake.requests.length, 0, "a paste never sends");
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("Got it."), "the reply");
  assert.equal(fake.requests[0]?.messages.at(-1)?.swipes[0]?.text, paste);
  console.log(`# 5,000-character paste drawn in ${pasteMs} ms (loaded machine)`);
  app.unmount();
});

test("wide characters and emoji: Left, Right and Backspace move and delete whole characters", async () => {
  const { app, fake } = mount();
  await tick();
  app.stdin.write("a漢字👍🏽b");
  await until(app.lastFrame, (f) => f.includes("│ a漢字👍🏽b"), "the typed text");
  app.stdin.write("\x1b[D");
  await tick();
  app.stdin.write("\x1b[D");
  await tick();
  app.stdin.write("\x7f");
  await until(app.lastFrame, (f) => f.includes("│ a漢👍🏽b"), "字 deleted, left of the cursor");
  app.stdin.write("\x1b[C");
  await tick();
  app.stdin.write("\x7f");
  await until(app.lastFrame, (f) => f.includes("│ a漢b"), "the emoji with its skin tone deleted whole");
  app.stdin.write("🍺");
  await until(app.lastFrame, (f) => f.includes("│ a漢🍺b"), "inserted at the cursor");
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("Got it."), "the reply");
  assert.equal(fake.requests[0]?.messages.at(-1)?.swipes[0]?.text, "a漢🍺b", "no half characters (lone surrogates) were sent");
  app.unmount();
});

test("nothing typed is lost on an error: a failed reply puts the text back in the input", async () => {
  const { app } = mount(scriptedSession([], { fail: "out of memory" }));
  await tick();
  app.stdin.write("a careful long message");
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes("Generation failed: out of memory"), "the error");
  assert.match(app.lastFrame() ?? "", /│ a careful long message/);
  app.unmount();
});
