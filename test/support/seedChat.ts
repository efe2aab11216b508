import { join } from "node:path";
import { createApp } from "../../src/app/app.ts";
import type { ChatMessage } from "../../src/core/chat/types.ts";
import { ChatStore } from "../../src/store/chats/chatStore.ts";

/** A message as a test writes it: one swipe, a fixed date. */
export function said(id: string, role: "user" | "assistant", text: string, name = role === "user" ? "You" : "Brindle"): ChatMessage {
  return { id, role, name, swipes: [{ text, sentAt: "2026-01-01T00:00:00Z" }], swipeIndex: 0 };
}

/**
 * A saved chat with the character (opening with its greeting) and then these messages,
 * written the way a past session would have left it. Returns its id.
 */
export async function seedChat(home: string, characterId: string, messages: ChatMessage[]): Promise<string> {
  const app = createApp({ env: { TAPROOM_HOME: home } });
  const session = await app.chats.open({ characterId, fresh: true });
  const { id, messages: greeting } = session.chat();
  await app.close();
  const handle = await (await ChatStore.open({ dir: join(home, "chats") })).open(id);
  await handle.save({ ...handle.chat, messages: [...greeting, ...messages] });
  await handle.flush();
  return id;
}
