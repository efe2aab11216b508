// Issue 14 on issue 12's KV state files: a state file crafted to pass the checksum (its record rewritten to
// match) that llama.cpp refuses is a cache miss in one line; the chat's turn is evaluated afresh.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createChat, currentSwipe, sendUserMessage, type ChatEnv } from "../../../src/core/chat/operations.ts";
import type { Chat } from "../../../src/core/chat/types.ts";
import { resolveSamplers } from "../../../src/core/samplers/validate.ts";
import { loadModel, type LoadedModel } from "../../../src/engine/generation/loadModel.ts";
import { playChatTurn } from "../../../src/app/turns/playTurn.ts";
import { KvStateStore } from "../../../src/store/kvStates.ts";
import { card, persona } from "../../core/prompt/fixture.ts";
import { testEnv } from "../../support/chatFixtures.ts";
import { greedyReference, writeTinyChatModel } from "../../support/tinyGguf.ts";

let dir: string;
let tiny: string;
const samplers = resolveSamplers({ temperature: 0, maxTokens: 12 });
const character = card({ mes_example: "" });
const open = async () => loadModel({ path: tiny, gpu: "cpu", threads: 1, contextSize: 1024 });

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "taproom-kv-hostile-"));
  tiny = await writeTinyChatModel(join(dir, "tiny.gguf"));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function say(model: LoadedModel, chat: Chat, text: string, env: ChatEnv) {
  const sent = sendUserMessage(chat, { text, name: persona.name, env });
  const played = await playChatTurn({ model, chat: sent, character, persona, books: [], settings: { samplers }, mode: "reply", env });
  assert.equal(currentSwipe(played.chat.messages.at(-1)!).text, greedyReference(played.turn.prompt.text, 12).trim());
  return played;
}

/** Rewrites the chat's state file with `edit`, and its record to match: size and checksum pass. */
async function forge(store: KvStateStore, edit: (b: Buffer) => Buffer): Promise<void> {
  const names = await readdir(store.dir);
  const recordName = names.find((n) => n.endsWith(".json"))!;
  const record = JSON.parse(await readFile(join(store.dir, recordName), "utf8")) as { file: string; fileBytes: number; sha256: string };
  const bytes = edit(await readFile(join(store.dir, record.file)));
  await writeFile(join(store.dir, record.file), bytes);
  record.fileBytes = bytes.length;
  record.sha256 = createHash("sha256").update(bytes).digest("hex");
  await writeFile(join(store.dir, recordName), JSON.stringify(record));
}

// Not here: a state whose KV data is cut or scrambled under a forged checksum still trips llama.cpp's
// GGML_ASSERT(nread <= state_size) (an abort). Only taproom writes these files, in the user's own cache;
// damage without forgery is caught by the checksum (promptCache.test.ts).
const forgeries: Array<[string, (b: Buffer) => Buffer]> = [
  ["its token count raised", (b) => { const c = Buffer.from(b); c.writeUInt32LE(0x7fffffff, 8); return c; }],
];

for (const [what, edit] of forgeries) {
  test(`a state file with ${what}, checksum forged to match: the chat's turn is evaluated afresh, correct, and the state replaced`, async () => {
    const store = new KvStateStore({ dir: join(dir, what.replace(/\W+/g, "-")) });
    const env = testEnv();
    const first = await open();
    first.usePromptCache({ storage: store });
    const chat = (await say(first, createChat({ character, characterId: "s", env }), "Where am I?", env)).chat;
    await first.unload();
    await forge(store, edit);

    const again = await open();
    again.usePromptCache({ storage: store });
    try {
      const reuse = (await say(again, chat, "Who are you?", env)).turn.reuse!;
      assert.equal(reuse.cause, "cold", reuse.reason);
      assert.match(reuse.reason, /saved state of chat \S+ (could not be loaded|holds other tokens)|saved state holds other tokens/);
      assert.ok(!reuse.reason.includes("\n"), reuse.reason);
      assert.equal(reuse.evaluated, reuse.promptTokens);
    } finally {
      await again.unload();
    }
  });
}
