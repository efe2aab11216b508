/**
 * Saved KV cache states, one per chat (the latest), so a restart, a headless turn or a
 * chat opened again evaluates only what is new. Each state is a file written by
 * llama.cpp under a name of its own plus a small JSON record (key, tokens, layout,
 * size, SHA-256) replaced atomically after it: a crash at any moment leaves the old
 * pair or the new one. A record that does not parse, a file of the wrong size or hash,
 * or one llama.cpp refuses is a cache miss, and is deleted. Disk use is bounded per
 * chat and in total; the states saved longest ago go first.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./atomicWrite.ts";
import type { StateKey, StateRecord } from "../core/promptCache/state.ts";
import type { PromptLayout } from "../core/promptCache/layout.ts";

export interface KvStateLimits {
  /** A chat's state larger than this is not kept. */
  maxChatBytes: number;
  /** All states together; the oldest are deleted to stay under it. */
  maxTotalBytes: number;
}

export const DEFAULT_KV_STATE_LIMITS: KvStateLimits = { maxChatBytes: 2048 * 2 ** 20, maxTotalBytes: 6144 * 2 ** 20 };

export interface StoredState {
  record: StateRecord;
  fileBytes: number;
}

export interface SaveOutcome {
  kept: boolean;
  bytes: number;
  /** Chats whose states were deleted to stay under the total limit. */
  evicted: string[];
  /** Why the state was not kept. */
  reason?: string;
}

/** A saved state could not be used: damaged, or refused by llama.cpp. It has been deleted. */
export class KvStateFileError extends Error {
  constructor(readonly chatId: string, detail: string) {
    super(`the saved state of chat ${chatId} ${detail}; it was deleted and the prompt is evaluated afresh`);
    this.name = "KvStateFileError";
  }
}

interface RecordFile extends StateRecord {
  format: "taproom-kv-state";
  version: 1;
  file: string;
  fileBytes: number;
  sha256: string;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;
/** Temp and orphaned files younger than this may belong to a save in progress elsewhere. */
const STALE_MS = 10 * 60_000;

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function isKey(v: unknown): v is StateKey {
  const k = v as StateKey;
  return typeof k === "object" && k !== null && typeof k.contextSize === "number" && typeof k.cacheLayout === "string" &&
    typeof k.template === "string" && typeof k.model === "object" && k.model !== null &&
    typeof k.model.fingerprint === "string" && typeof k.model.bytes === "number" && typeof k.model.name === "string";
}

function parseRecord(text: string): RecordFile | undefined {
  let v: RecordFile;
  try {
    v = JSON.parse(text) as RecordFile;
  } catch {
    return undefined;
  }
  const ok = typeof v === "object" && v !== null && v.format === "taproom-kv-state" && v.version === 1 &&
    typeof v.file === "string" && /^[A-Za-z0-9_.-]+\.kv$/.test(v.file) && Number.isInteger(v.fileBytes) && v.fileBytes > 0 &&
    typeof v.sha256 === "string" && /^[0-9a-f]{64}$/.test(v.sha256) && typeof v.savedAt === "string" && isKey(v.key) &&
    Array.isArray(v.tokens) && v.tokens.every((t) => Number.isInteger(t) && t >= 0);
  return ok ? v : undefined;
}

export class KvStateStore {
  readonly dir: string;
  private readonly limits: KvStateLimits;

  constructor(options: { dir: string; limits?: Partial<KvStateLimits> }) {
    this.dir = options.dir;
    this.limits = { ...DEFAULT_KV_STATE_LIMITS, ...options.limits };
  }

  private recordPath(chatId: string): string {
    if (!SAFE_ID.test(chatId)) throw new Error(`"${chatId}" is not a chat id`);
    return join(this.dir, `${chatId}.json`);
  }

  private async readRecord(chatId: string): Promise<RecordFile | "damaged" | undefined> {
    let text: string;
    try {
      text = await readFile(this.recordPath(chatId), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
    return parseRecord(text) ?? "damaged";
  }

  /** The chat's saved state, without reading the state itself; a problem found is reported and the state deleted. */
  async info(chatId: string): Promise<StoredState | { problem: string } | undefined> {
    const record = await this.readRecord(chatId);
    if (record === undefined) return undefined;
    if (record === "damaged") {
      await this.discard(chatId);
      return { problem: "the saved state's record was damaged (deleted)" };
    }
    const size = await stat(join(this.dir, record.file)).then((s) => s.size, () => -1);
    if (size !== record.fileBytes) {
      await this.discard(chatId);
      return { problem: size < 0 ? "the saved state's file is missing" : `the saved state's file has ${size} bytes, not ${record.fileBytes} (deleted)` };
    }
    const { format: _f, version: _v, file: _file, fileBytes, sha256: _s, ...rest } = record;
    return { record: { ...rest, ...(record.layout && { layout: record.layout as PromptLayout }) }, fileBytes };
  }

  /** Checks the state file's hash, then hands its path to `into` (which loads it); a failure deletes it. */
  async load(chatId: string, into: (path: string) => Promise<void>): Promise<void> {
    const record = await this.readRecord(chatId);
    if (record === undefined || record === "damaged") throw new KvStateFileError(chatId, "is missing or damaged");
    const path = join(this.dir, record.file);
    const hash = await sha256Of(path).catch(() => "");
    if (hash !== record.sha256) {
      await this.discard(chatId);
      throw new KvStateFileError(chatId, "is damaged (its checksum does not match)");
    }
    try {
      await into(path);
    } catch (error) {
      await this.discard(chatId);
      throw new KvStateFileError(chatId, `could not be loaded (${(error as Error).message.split("\n")[0]})`);
    }
  }

  /** `fill` writes the state to the path it is given; the store makes it the chat's state, atomically and within the limits. */
  async save(chatId: string, record: StateRecord, fill: (path: string) => Promise<void>): Promise<SaveOutcome> {
    const recordPath = this.recordPath(chatId);
    await mkdir(this.dir, { recursive: true });
    const file = `${chatId}.${Date.now().toString(36)}${randomBytes(3).toString("hex")}.kv`;
    const temp = join(this.dir, `.${file}.tmp`);
    try {
      await fill(temp);
      const bytes = (await stat(temp)).size;
      if (bytes > this.limits.maxChatBytes || bytes > this.limits.maxTotalBytes) {
        await unlink(temp).catch(() => {});
        return { kept: false, bytes, evicted: [], reason: `${mib(bytes)} is over the limit of ${mib(Math.min(this.limits.maxChatBytes, this.limits.maxTotalBytes))} per chat` };
      }
      const handle = await open(temp, "r+");
      await handle.sync().finally(() => handle.close());
      const sha256 = await sha256Of(temp);
      await rename(temp, join(this.dir, file));
      const old = await this.readRecord(chatId).catch(() => undefined);
      const out: RecordFile = { format: "taproom-kv-state", version: 1, file, fileBytes: bytes, sha256, ...record };
      await writeFileAtomic(recordPath, JSON.stringify(out));
      if (old && old !== "damaged" && old.file !== file) await unlink(join(this.dir, old.file)).catch(() => {});
      const evicted = await this.enforceTotal(chatId);
      return { kept: true, bytes, evicted };
    } catch (error) {
      await unlink(temp).catch(() => {});
      throw error;
    }
  }

  /** Deletes the chat's saved state, if any. */
  async discard(chatId: string): Promise<void> {
    const record = await this.readRecord(chatId).catch(() => undefined);
    if (record && record !== "damaged") await unlink(join(this.dir, record.file)).catch(() => {});
    await unlink(this.recordPath(chatId)).catch(() => {});
  }

  /** Every chat's state: id, bytes, when saved. */
  async list(): Promise<Array<{ chatId: string; bytes: number; savedAt: string }>> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const out: Array<{ chatId: string; bytes: number; savedAt: string }> = [];
    for (const name of names) {
      if (!name.endsWith(".json") || name.startsWith(".")) continue;
      const chatId = name.slice(0, -".json".length);
      if (!SAFE_ID.test(chatId)) continue;
      const record = await this.readRecord(chatId).catch(() => undefined);
      if (record && record !== "damaged") out.push({ chatId, bytes: record.fileBytes, savedAt: record.savedAt });
    }
    return out;
  }

  private async enforceTotal(keep: string): Promise<string[]> {
    const all = (await this.list()).sort((a, b) => a.savedAt.localeCompare(b.savedAt));
    let total = all.reduce((sum, s) => sum + s.bytes, 0);
    const evicted: string[] = [];
    for (const s of all) {
      if (total <= this.limits.maxTotalBytes) break;
      if (s.chatId === keep) continue;
      await this.discard(s.chatId);
      total -= s.bytes;
      evicted.push(s.chatId);
    }
    return evicted;
  }

  /** Deletes temp files and state files no record names, left by a crash (older than a few minutes). */
  async removeStale(now = Date.now()): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const named = new Set<string>();
    for (const name of names) {
      if (!name.endsWith(".json")) continue;
      const record = await this.readRecord(name.slice(0, -".json".length)).catch(() => undefined);
      if (record && record !== "damaged") named.add(record.file);
    }
    let removed = 0;
    for (const name of names) {
      const stray = name.endsWith(".kv.tmp") || (name.endsWith(".kv") && !named.has(name));
      if (!stray) continue;
      const age = await stat(join(this.dir, name)).then((s) => now - s.mtimeMs, () => 0);
      if (age < STALE_MS) continue;
      await unlink(join(this.dir, name)).then(() => removed++, () => {});
    }
    return removed;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;
}
