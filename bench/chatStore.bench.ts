// Chat storage: open time and bytes written per send, for a short and a long chat,
// against the naive lowdb way (rewrite the whole chat file atomically on every change).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { appendAssistantReply, createChat, sendUserMessage, type ChatEnv } from "../src/core/chat/operations.ts";
import type { Chat } from "../src/core/chat/types.ts";
import type { Character } from "../src/core/cards/character.ts";
import { ChatStore } from "../src/store/chats/chatStore.ts";
import { writeFileAtomic } from "../src/store/atomicWrite.ts";

const character: Character = {
  name: "Seraphina", description: "", personality: "", scenario: "", first_mes: "Welcome.", mes_example: "",
  creator_notes: "", system_prompt: "", post_history_instructions: "", alternate_greetings: [], tags: [],
  creator: "", character_version: "", extensions: {},
};

function env(): ChatEnv {
  let n = 0;
  return { newId: () => `m${++n}`, now: () => new Date(1_800_000_000_000 + n * 1000).toISOString() };
}

const userText = "I walk to the edge of the clearing and look at the old stones. ".repeat(2);
const replyText = "She follows you, her steps silent on the moss, and tells you of the wards that keep the forest. ".repeat(4);

function longChat(messages: number, e: ChatEnv): Chat {
  let chat = createChat({ character, characterId: "seraphina", env: e });
  while (chat.messages.length < messages) {
    chat = sendUserMessage(chat, { text: userText, name: "Ann", env: e });
    chat = appendAssistantReply(chat, { text: replyText, name: "Seraphina", env: e, generation: { model: "m.gguf", tokens: 90 } });
  }
  return chat;
}

interface Figures { openMs: number; bytesPerSend: number; msPerSend: number; naiveBytesPerSend: number; naiveMsPerSend: number; fileBytes: number }

async function measure(messages: number, sends: number): Promise<Figures> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bench-"));
  const e = env();
  const store = await ChatStore.open({ dir });
  const initial = longChat(messages, e);
  const handle = await store.create(initial);
  const fileBytes = Buffer.byteLength(JSON.stringify(handle.chat));
  let bytes = 0;
  let start = performance.now();
  for (let i = 0; i < sends; i++) {
    const sent = sendUserMessage(handle.chat, { text: userText, name: "Ann", env: e });
    bytes += (await handle.save(sent)).bytesWritten;
    bytes += (await handle.save(appendAssistantReply(sent, { text: replyText, name: "Seraphina", env: e }))).bytesWritten;
  }
  const msPerSend = (performance.now() - start) / (sends * 2);
  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    start = performance.now();
    await (await ChatStore.open({ dir })).open(handle.chat.id);
    opens.push(performance.now() - start);
  }
  // Naive: one lowdb-style file per chat, rewritten whole on each change.
  let chat = initial;
  let naiveBytes = 0;
  start = performance.now();
  for (let i = 0; i < sends; i++) {
    chat = sendUserMessage(chat, { text: userText, name: "Ann", env: e });
    const text = JSON.stringify(chat);
    await writeFileAtomic(join(dir, "naive.json"), text);
    naiveBytes += Buffer.byteLength(text);
    chat = appendAssistantReply(chat, { text: replyText, name: "Seraphina", env: e });
    const text2 = JSON.stringify(chat);
    await writeFileAtomic(join(dir, "naive.json"), text2);
    naiveBytes += Buffer.byteLength(text2);
  }
  const naiveMsPerSend = (performance.now() - start) / (sends * 2);
  await rm(dir, { recursive: true, force: true });
  opens.sort((a, b) => a - b);
  return { openMs: opens[2]!, bytesPerSend: bytes / (sends * 2), msPerSend, naiveBytesPerSend: naiveBytes / (sends * 2), naiveMsPerSend, fileBytes };
}

export default async function bench(): Promise<void> {
  const sends = 100;
  const small = await measure(100, sends);
  const large = await measure(5000, sends);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const [label, f] of [["100 messages", small], ["5,000 messages", large]] as const) {
    console.log(
      `${label.padEnd(15)} chat ${kb(f.fileBytes).padStart(9)}  open ${f.openMs.toFixed(1).padStart(6)} ms  ` +
        `per save: journal ${kb(f.bytesPerSend).padStart(8)} ${f.msPerSend.toFixed(2).padStart(6)} ms, ` +
        `whole-file rewrite ${kb(f.naiveBytesPerSend).padStart(9)} ${f.naiveMsPerSend.toFixed(2).padStart(6)} ms`,
    );
  }
  console.log(`bytes per save, 5,000 vs 100 messages: journal ${(large.bytesPerSend / small.bytesPerSend).toFixed(2)}x, whole-file ${(large.naiveBytesPerSend / small.naiveBytesPerSend).toFixed(1)}x`);
  console.log(`5,000 messages, whole-file / journal: ${(large.naiveBytesPerSend / large.bytesPerSend).toFixed(1)}x bytes, ${(large.naiveMsPerSend / large.msPerSend).toFixed(1)}x time per save`);
  const entry = Buffer.byteLength(JSON.stringify({ id: "a1b2c3d4", title: "Seraphina 2026-01-01 12:00", characterId: "seraphina.png", characterName: "Seraphina", messageCount: 5000, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() }));
  console.log(`chat index: ${entry} bytes per chat listed (1,000 chats: ${kb(entry * 1000)}), rewritten at most every 5 s by saves, not on each`);
  console.log(`open time, 5,000 vs 100 messages: ${(large.openMs / small.openMs).toFixed(1)}x (${large.openMs.toFixed(1)} ms)`);
}
