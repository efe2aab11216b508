// Realistic card libraries for the start-up and listing benches, made once in a cache
// folder (.tmp/bench-cache, about 2 GB) and reused by later runs.
import { existsSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { zlibSync } from "fflate";
import { crc32, encodeBase64Utf8 } from "../../src/core/cards/png.ts";
import { appendAssistantReply, createChat, sendUserMessage, type ChatEnv } from "../../src/core/chat/operations.ts";
import type { Character } from "../../src/core/cards/character.ts";
import { ChatStore } from "../../src/store/chats/chatStore.ts";

export const BENCH_CACHE = resolve(import.meta.dirname, "../../.tmp/bench-cache");
const FORMAT = "v1";

const SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

/** A deterministic noisy picture (photos and painted art barely compress): about 1 MB of IDAT. */
function pictureChunks(seed: number, idatSize: number): { ihdr: Buffer; idat: Buffer[] } {
  const width = 600;
  const height = 580;
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = new Uint8Array(height * (1 + width * 3));
  let x = seed * 2654435761;
  for (let i = 0; i < rows.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    rows[i] = i % (1 + width * 3) === 0 ? 0 : x & 0xff;
  }
  const stream = zlibSync(rows, { level: 1 });
  const idat: Buffer[] = [];
  for (let at = 0; at < stream.length; at += idatSize) idat.push(chunk("IDAT", stream.subarray(at, at + idatSize)));
  return { ihdr: chunk("IHDR", header), idat };
}

function textChunk(keyword: string, text: string): Buffer {
  return chunk("tEXt", Buffer.from(`${keyword}\0${text}`, "latin1"));
}

function cardData(i: number) {
  const book = i % 5 === 0
    ? { name: `Lore ${i}`, entries: Array.from({ length: 12 }, (_, e) => ({ keys: [`place${e}`], content: `Facts about place ${e}. `.repeat(15), enabled: true, insertion_order: e, extensions: {} })), extensions: {} }
    : undefined;
  return {
    name: `Card ${i}`,
    description: `{{char}} keeps the lighthouse on the northern cape, card ${i}. `.repeat(40),
    personality: "patient, dry humour, stubborn about the weather",
    scenario: "A storm has closed the road and {{user}} knocks at the lighthouse door.",
    first_mes: `*The door opens a crack.* "You're soaked," says card ${i}. "Come in before the wind takes you."`,
    mes_example: "<START>\n{{user}}: Is it always like this?\n{{char}}: Only in the months with an R in them. ".repeat(6),
    creator_notes: "Works best with a slow burn.", system_prompt: "", post_history_instructions: "",
    alternate_greetings: ["*The lamp turns overhead.*", "*A kettle whistles somewhere below.*"],
    tags: ["bench", i % 2 ? "fantasy" : "slice of life"], creator: "bench", character_version: "1.0",
    extensions: { talkativeness: "0.5", fav: false, world: "", depth_prompt: { prompt: "", depth: 4, role: "system" } },
    ...(book && { character_book: book }),
  };
}

/**
 * One card: a 1 MB picture split the way common encoders split it (libpng 8 KiB IDAT
 * chunks, Pillow 64 KiB, or one chunk), with both card chunks before the picture data
 * on even cards and after it (where SillyTavern puts them) on odd ones.
 */
function cardPng(i: number, pictures: { ihdr: Buffer; idat: Buffer[] }[]): Buffer {
  const picture = pictures[i % pictures.length]!;
  const data = cardData(i);
  const text = [
    textChunk("chara", encodeBase64Utf8(JSON.stringify({ spec: "chara_card_v2", spec_version: "2.0", data }))),
    textChunk("ccv3", encodeBase64Utf8(JSON.stringify({ spec: "chara_card_v3", spec_version: "3.0", data: { ...data, group_only_greetings: [] } }))),
  ];
  const before = i % 2 === 0 ? text : [];
  const after = i % 2 === 0 ? [] : text;
  return Buffer.concat([SIGNATURE, picture.ihdr, ...before, ...picture.idat, ...after, chunk("IEND", new Uint8Array(0))]);
}

/** 2,000 (or `count`) card PNGs of about 1 MB each, made on the first run only. */
export function realisticCards(count = 2000): string {
  const dir = join(BENCH_CACHE, `cards-${FORMAT}-${count}`);
  const ready = join(dir, ".ready");
  if (existsSync(ready)) return dir;
  console.log(`(making ${count} card PNGs of about 1 MB in ${dir}, once)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pictures = [pictureChunks(1, 8192), pictureChunks(2, 8192), pictureChunks(3, 65536), pictureChunks(4, 1 << 30)];
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `card-${String(i).padStart(4, "0")}.png`), cardPng(i, pictures));
  writeFileSync(ready, "");
  return dir;
}

/** A data directory whose characters/ links the first `count` realistic cards (hard links: no copies). */
export function libraryHome(name: string, count: number): string {
  const source = realisticCards();
  const home = join(BENCH_CACHE, `home-${FORMAT}-${name}`);
  const characters = join(home, "characters");
  if (!existsSync(join(home, ".ready"))) {
    rmSync(home, { recursive: true, force: true });
    mkdirSync(characters, { recursive: true });
    for (const file of readdirSync(source).filter((f) => f.endsWith(".png")).sort().slice(0, count)) linkSync(join(source, file), join(characters, file));
    writeFileSync(join(home, ".ready"), "");
  }
  return home;
}

const character: Character = {
  name: "Card 0", description: "", personality: "", scenario: "", first_mes: "You're soaked.", mes_example: "",
  creator_notes: "", system_prompt: "", post_history_instructions: "", alternate_greetings: [], tags: [],
  creator: "", character_version: "", extensions: {},
};

/** `count` saved chats of `messages` messages each, spread over the first cards. */
export async function addChats(home: string, count: number, messages: number): Promise<void> {
  const marker = join(home, `.chats-${count}-${messages}`);
  if (existsSync(marker)) return;
  const store = await ChatStore.open({ dir: join(home, "chats"), indexWriteIntervalMs: 0 });
  let n = 0;
  const env: ChatEnv = { newId: () => `m${++n}`, now: () => new Date(1_780_000_000_000 + n * 60_000).toISOString() };
  for (let c = 0; c < count; c++) {
    const id = `card-${String(c % 50).padStart(4, "0")}`;
    let chat = createChat({ character: { ...character, name: `Card ${c % 50}` }, characterId: id, env, title: `Storm night ${c}` });
    while (chat.messages.length < messages) {
      chat = sendUserMessage(chat, { text: "I shake the rain off my coat and look up at the lamp. ".repeat(2), name: "Ann", env });
      chat = appendAssistantReply(chat, { text: "The keeper pours tea and tells you about the wreck of the Marigold, forty winters back. ".repeat(3), name: `Card ${c % 50}`, env });
    }
    await store.create(chat);
  }
  await store.flush();
  writeFileSync(marker, "");
}
