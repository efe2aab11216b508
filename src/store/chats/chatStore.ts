/**
 * The user's chats: one snapshot + journal per chat (see chatFile.ts) in
 * dataPaths().chats, and a small atomic index for listing without opening chats.
 *
 * The index is a cache. Rewriting it on every send would cost more than the send
 * itself once there are hundreds of chats, so a save only writes it when a listed
 * name changes or a few seconds have passed (flush() forces it). Each entry records
 * the fingerprint (sizes and times) of the chat's files; opening the store re-reads
 * any chat whose files no longer match, so a crash before a flush leaves nothing stale.
 */
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Low } from "lowdb";
import { CorruptDataFileError, openJsonDb } from "../jsonDb.ts";
import type { Chat } from "../../core/chat/types.ts";
import {
  appendJournal,
  journalPath,
  journalRecord,
  loadChatFile,
  snapshotPath,
  writeSnapshot,
  type SaveStats,
} from "./chatFile.ts";
import { acquireChatLock, type ChatLock, type ChatLockOptions } from "./chatLock.ts";

export { ChatLockedError, type ChatLockOptions } from "./chatLock.ts";

/** The chat's files changed after this handle read them: saving would drop the other writer's messages. */
export class ChatChangedError extends Error {
  constructor(readonly file: string) {
    super(`${file}: another taproom saved this chat after it was opened here; open it again to see its messages (nothing was overwritten)`);
    this.name = "ChatChangedError";
  }
}

export interface ChatIndexEntry {
  id: string;
  title: string;
  characterId: string;
  characterName: string;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
  /** Text was typed in the chat and not sent (Chat.draft). */
  hasDraft?: true;
  /** A group chat: the group's id (characterName is then the group's name). */
  groupId?: string;
}

interface StoredEntry extends ChatIndexEntry {
  /** Sizes and modification times of the chat's files when this entry was made. */
  fingerprint: string;
}

interface ChatIndex {
  version: 1;
  chats: Record<string, StoredEntry>;
}

export class ChatNotFoundError extends Error {
  constructor(
    readonly wanted: string,
    where = "",
  ) {
    super(`no chat named "${wanted}"${where}`);
    this.name = "ChatNotFoundError";
  }
}

export class AmbiguousChatNameError extends Error {
  constructor(
    readonly wanted: string,
    readonly matches: ChatIndexEntry[],
  ) {
    super(`"${wanted}" matches ${matches.length} chats: ${matches.map((m) => `${m.id} (${m.title})`).join(", ")}`);
    this.name = "AmbiguousChatNameError";
  }
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

export interface ChatStoreOptions {
  /** dataPaths().chats */
  dir: string;
  /** Least time between index writes caused by saves; default 5,000 ms. */
  indexWriteIntervalMs?: number;
}

export class ChatStore {
  /** Entries newer than the index on disk (null: removed), for the next index write. */
  private readonly pending = new Map<string, StoredEntry | null>();
  private lastIndexWrite = 0;

  private constructor(
    readonly dir: string,
    private readonly index: Low<ChatIndex>,
    private readonly indexWriteIntervalMs: number,
  ) {}

  static async open(options: ChatStoreOptions): Promise<ChatStore> {
    await mkdir(options.dir, { recursive: true });
    const index = await openJsonDb<ChatIndex>({ path: join(options.dir, "index.json"), defaults: { version: 1, chats: {} } });
    const store = new ChatStore(options.dir, index, options.indexWriteIntervalMs ?? 5000);
    await store.refresh();
    return store;
  }

  /**
   * Re-reads the index and brings it up to date with the chat files: chats saved by
   * another process, or after the last index write, are read again.
   */
  async refresh(): Promise<void> {
    await this.reread();
    const ids = (await readdir(this.dir))
      .filter((f) => f.endsWith(".json") && f !== "index.json")
      .map((f) => f.slice(0, -".json".length))
      .filter((id) => SAFE_ID.test(id));
    const present = new Set(ids);
    const changes = new Map<string, StoredEntry | null>();
    for (const id of Object.keys(this.index.data.chats)) {
      if (!present.has(id) && !this.pending.has(id)) changes.set(id, null);
    }
    for (const id of ids) {
      if (this.pending.has(id)) continue;
      const fingerprint = await fileFingerprint(this.dir, id);
      if (this.index.data.chats[id]?.fingerprint === fingerprint) continue;
      const loaded = await loadChatFile(this.dir, id).catch(() => undefined);
      if (loaded) changes.set(id, storedEntry(loaded.chat, fingerprint));
    }
    if (changes.size === 0) return;
    for (const [id, entry] of changes) this.pending.set(id, entry);
    await this.writeIndex();
  }

  /** Newest first, as of the last open, save or refresh. */
  list(): ChatIndexEntry[] {
    return Object.values(this.index.data.chats)
      .map(({ fingerprint: _f, ...entry }) => entry)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  /** A chat by id, exact title (any case), or a prefix of either that names only one. */
  resolve(name: string): ChatIndexEntry {
    const all = this.list();
    const wanted = name.trim().toLowerCase();
    const byId = all.find((c) => c.id === name);
    if (byId) return byId;
    const byTitle = all.filter((c) => c.title.toLowerCase() === wanted);
    if (byTitle.length === 1) return byTitle[0]!;
    if (byTitle.length > 1) throw new AmbiguousChatNameError(name, byTitle);
    const byPrefix = all.filter((c) => c.id.startsWith(name) || c.title.toLowerCase().startsWith(wanted));
    if (byPrefix.length === 1) return byPrefix[0]!;
    if (byPrefix.length > 1) throw new AmbiguousChatNameError(name, byPrefix);
    throw new ChatNotFoundError(name, ` in ${this.dir}`);
  }

  /** Saves a new chat (e.g. from createChat, branchChat or an import); with `lock`, the handle holds its lock. */
  async create(chat: Chat, options: { lock?: ChatLockOptions } = {}): Promise<ChatHandle> {
    checkId(chat.id);
    if (this.index.data.chats[chat.id]) throw new Error(`a chat with id ${chat.id} already exists in ${this.dir}`);
    const lock = options.lock ? await this.lock(chat.id, options.lock) : undefined;
    const bytes = await writeSnapshot(this.dir, chat, 0).catch(async (error: unknown) => { await lock?.release(); throw error; });
    const fingerprint = await fileFingerprint(this.dir, chat.id);
    await this.noteSaved(chat, fingerprint, true);
    return new ChatHandle(this, chat, 0, bytes, false, 0, fingerprint, lock);
  }

  /**
   * Opens a chat. With `lock`, it is read after this process holds the chat's lock (a
   * second writer waits up to lock.waitMs, then ChatLockedError); without, the handle
   * takes the lock at its first save and refuses (ChatChangedError) if the chat changed since.
   */
  async open(name: string, options: { lock?: ChatLockOptions } = {}): Promise<ChatHandle> {
    const entry = this.resolve(name);
    const lock = options.lock ? await this.lock(entry.id, options.lock) : undefined;
    try {
      const loaded = await loadChatFile(this.dir, entry.id);
      const fingerprint = await fileFingerprint(this.dir, entry.id);
      return new ChatHandle(this, loaded.chat, loaded.generation, loaded.snapshotBytes, loaded.tornTail, loaded.journalBytes, fingerprint, lock);
    } catch (error) {
      await lock?.release();
      throw error;
    }
  }

  /** @internal */
  lock(id: string, options: ChatLockOptions): Promise<ChatLock> {
    return acquireChatLock(join(this.dir, `${id}.lock`), snapshotPath(this.dir, id), options);
  }

  /** @internal the files' fingerprint now, to tell whether another writer saved. */
  fingerprintOf(id: string): Promise<string> {
    return fileFingerprint(this.dir, id);
  }

  /** Moves the chat's files to the trash folder; returns where they went. */
  async delete(name: string): Promise<string> {
    const entry = this.resolve(name);
    const lock = await this.lock(entry.id, { purpose: "chats delete" });
    try {
      return await this.moveToTrash(entry);
    } finally {
      await lock.release();
    }
  }

  private async moveToTrash(entry: ChatIndexEntry): Promise<string> {
    const trash = join(this.dir, ".trash", `${entry.id}-${Date.now()}`);
    await mkdir(trash, { recursive: true });
    await rename(snapshotPath(this.dir, entry.id), join(trash, `${entry.id}.json`));
    await rename(journalPath(this.dir, entry.id), join(trash, `${entry.id}.log.jsonl`)).catch(ignoreMissing);
    this.pending.set(entry.id, null);
    await this.writeIndex();
    return trash;
  }

  async rename(name: string, title: string): Promise<Chat> {
    const trimmed = title.trim();
    if (trimmed === "") throw new Error("a chat title cannot be empty");
    const handle = await this.open(name, { lock: { purpose: "chats rename", waitMs: 10_000 } });
    try {
      await handle.save({ ...handle.chat, title: trimmed });
      return handle.chat;
    } finally {
      await handle.close();
    }
  }

  /** Writes the index if saves since the last write are not in it yet. */
  async flush(): Promise<void> {
    if (this.pending.size > 0) await this.writeIndex();
  }

  /** @internal called by ChatHandle after each save; returns the index bytes written. */
  async noteSaved(chat: Chat, fingerprint: string, force: boolean): Promise<number> {
    const entry = storedEntry(chat, fingerprint);
    const old = this.index.data.chats[chat.id];
    this.index.data.chats[chat.id] = entry;
    this.pending.set(chat.id, entry);
    const renamed = !old || old.title !== entry.title || old.characterName !== entry.characterName || old.characterId !== entry.characterId;
    if (!force && !renamed && Date.now() - this.lastIndexWrite < this.indexWriteIntervalMs) return 0;
    return this.writeIndex();
  }

  private async writeIndex(): Promise<number> {
    // Re-read first so that chats saved meanwhile by another process are not dropped.
    await this.reread();
    await this.index.write();
    this.pending.clear();
    this.lastIndexWrite = Date.now();
    return Buffer.byteLength(JSON.stringify(this.index.data));
  }

  private async reread(): Promise<void> {
    try {
      await this.index.read();
    } catch (error) {
      // A corrupt index on disk is replaced by ours on the next write.
      if (!(error instanceof CorruptDataFileError)) throw error;
    }
    const data = this.index.data as Partial<ChatIndex> | null;
    if (!data || typeof data.chats !== "object" || data.chats === null) this.index.data = { version: 1, chats: {} };
    for (const [id, entry] of this.pending) {
      if (entry) this.index.data.chats[id] = entry;
      else delete this.index.data.chats[id];
    }
  }
}

/** An open chat. Call save(next) after every change; saves run one at a time. */
export class ChatHandle {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ChatStore,
    private current: Chat,
    private generation: number,
    private snapshotBytes: number,
    private mustCompact: boolean,
    private journalBytes = 0,
    /** The files as this handle last read or wrote them. */
    private fingerprint = "",
    private lock: ChatLock | undefined = undefined,
  ) {}

  get chat(): Chat {
    return this.current;
  }

  save(next: Chat): Promise<SaveStats> {
    const run = this.queue.then(() => this.write(next));
    this.queue = run.catch(() => {});
    return run;
  }

  /** Makes sure the chat list shows this chat as saved (call when leaving the chat). */
  async flush(): Promise<void> {
    await this.queue;
    // The chat files are written; an index that cannot be (a full disk) is rebuilt from them at the next open.
    await this.store.flush().catch(() => undefined);
  }

  /** Flushes and lets other writers have the chat. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.store.flush().catch(() => undefined);
    await this.lock?.release();
    this.lock = undefined;
  }

  private async write(next: Chat): Promise<SaveStats> {
    if (next.id !== this.current.id) throw new Error(`chat ${this.current.id} cannot be saved as ${next.id}; use ChatStore.create`);
    if (!this.lock) {
      const lock = await this.store.lock(next.id, { purpose: "taproom", waitMs: 30_000 });
      if (this.fingerprint && (await this.store.fingerprintOf(next.id)) !== this.fingerprint) {
        await lock.release();
        throw new ChatChangedError(snapshotPath(this.store.dir, next.id));
      }
      this.lock = lock;
    }
    const record = journalRecord(this.generation, this.current, next);
    const recordBytes = Buffer.byteLength(JSON.stringify(record));
    const compact = this.mustCompact || this.journalBytes + recordBytes > Math.max(this.snapshotBytes, 64 * 1024);
    let bytesWritten: number;
    if (compact) {
      this.snapshotBytes = await writeSnapshot(this.store.dir, next, this.generation + 1);
      this.generation += 1;
      this.journalBytes = 0;
      this.mustCompact = false;
      bytesWritten = this.snapshotBytes;
    } else {
      bytesWritten = await appendJournal(this.store.dir, next.id, record);
      this.journalBytes += bytesWritten;
    }
    this.current = next;
    this.fingerprint = await fileFingerprint(this.store.dir, next.id);
    // The chat is saved; the index is a cache rebuilt from the chat files, so failing to write it (a full disk) fails nothing.
    const indexBytes = await this.store.noteSaved(next, this.fingerprint, false).catch(() => 0);
    return { bytesWritten: bytesWritten + indexBytes, compacted: compact, indexWritten: indexBytes > 0 };
  }
}

async function fileFingerprint(dir: string, id: string): Promise<string> {
  const parts: string[] = [];
  for (const path of [snapshotPath(dir, id), journalPath(dir, id)]) {
    const info = await stat(path).catch(() => undefined);
    parts.push(info ? `${info.size}@${info.mtimeMs}` : "-");
  }
  return parts.join(" ");
}

function storedEntry(chat: Chat, fingerprint: string): StoredEntry {
  return {
    id: chat.id,
    title: chat.title,
    characterId: chat.characterId,
    characterName: chat.characterName,
    messageCount: chat.messages.length,
    createdAt: chat.createdAt,
    updatedAt: chat.updatedAt,
    ...(chat.draft !== undefined && { hasDraft: true as const }),
    ...(chat.groupId !== undefined && { groupId: chat.groupId }),
    fingerprint,
  };
}

function checkId(id: string): void {
  if (!SAFE_ID.test(id)) throw new Error(`chat id "${id}" must be letters, digits, - and _ (it names a file)`);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}
