// A second taproom for lock tests: opens a saved chat as the chat screen does, writes to it,
// says "held" on stdout, and closes the chat when its stdin ends.
import { createApp } from "../../src/app/app.ts";

const [home, chatId, note] = process.argv.slice(2) as [string, string, string];
const app = createApp({ env: { TAPROOM_HOME: home }, chatLock: { purpose: "the chat screen", waitMs: 30_000 } });
const session = await app.chats.open({ chatId });
session.setAuthorsNote(note);
await session.flush();
process.stdout.write("held\n");
process.stdin.resume();
await new Promise((resolve) => process.stdin.once("end", resolve));
await session.close();
await app.close();
