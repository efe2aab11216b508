import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import { scriptedSession } from "../../support/fakeServices.ts";
import { mountChat } from "../../support/chatScreen.tsx";
import { press, until } from "../../support/frames.ts";

const said = (id: string, role: "user" | "assistant", text: string): ChatMessage => ({ id, role, name: role === "user" ? "You" : "Mira", swipes: [{ text, sentAt: "" }], swipeIndex: 0 });

/** The live region of the frame: what Ink redraws (the printed history is above it). */
const liveRows = (frame: string) => frame.split("\n");

for (const [columns, rows] of [[120, 40], [80, 24]] as const) {
  test(`at ${columns}x${rows} each panel (Alt+L/M/P/S) shares the screen with the end of the last reply`, async () => {
    const reply = "The lantern gutters.\nShe leans closer.\n*The last line of her reply.*";
    const fake = scriptedSession([], { messages: [said("m1", "user", "Evening."), said("m2", "assistant", reply)] });
    const app = mountChat(fake.session, { rows, columns });
    await until(app.lastFrame, (f) => f.includes("The last line of her reply."), "the last reply");
    for (const [key, title] of [["l", /Lore · last turn/], ["m", /No model loaded|Reading the model|Model: /], ["p", /No reply yet: the panel shows/], ["s", /Samplers · preset/]] as const) {
      await press(app.stdin, `\x1b${key}`);
      const frame = await until(app.lastFrame, (f) => title.test(f), `the panel of Alt+${key.toUpperCase()}`);
      assert.match(frame, /The last line of her reply\./, `Alt+${key.toUpperCase()} keeps the end of the reply on screen:\n${frame}`);
      assert.ok(liveRows(frame).length <= rows, `the frame fits ${rows} rows with the panel:\n${frame}`);
      await press(app.stdin, "\x1b");
      await until(app.lastFrame, (f) => !title.test(f), `the panel of Alt+${key.toUpperCase()} closed`);
    }
    app.unmount();
  });
}
