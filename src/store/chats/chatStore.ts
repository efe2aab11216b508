/**
 * The user's chats: one snapshot + journal per chat (see chatFile.ts) in
 * dataPaths().chats, and a small atomic index for listing without opening chats.
 */
import { mkdir, readdir, rename } from "node:fs/promises";
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

export interface ChatIndexEntry {
  id: string;
  title: string;
  characterId: string;
  characterName: string;
  messageCount: number;
  createdAt: string;
  updatedAt: string;
}

interface ChatIndex {
  version: 1;
  chats: Record<string, ChatIndexEntry>;
}

export class ChatNotFoundError extends Error {
  constructor(readonly wanted: string, where = "") {
    super(`no chat named "${wanted}"${where}`);
    this.name = "ChatNotFoundError";
  }
}

export class AmbiguousChatNameError extends Error {
  constructor(readonly wanted: string, readonly matches: ChatIndexEntry[]) {
    super(`"${wanted}" matches ${matches.length} chats: ${matches.map((m) => `${m.id} (${m.title})`).join(", ")}`);
    this.name = "AmbiguousChatNameError";
  }
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

export interface ChatStoreOptions {
  /** dataPaths().chats */
  dir: string;
}

export class ChatStore {
  private constructor(
    readonly dir: string,
    private readonly index: Low<ChatIndex>,
  ) {}

  static async open(options: ChatStoreOptions): Promise<ChatStore> {
    await mkdir(options.dir, { recursive: true });
    const index = await openJsonDb<ChatIndex>({ path: join(options.dir, "index.json"), defaults: { version: 1, chats: {} } });
    const store = new ChatStore(options.dir, index);
    await store.reread();
    if (Object.keys(index.data.chats).length === 0) await store.rebuildIndex();
    return store;
  }

  /** Re-reads the index, to see chats another taproom process saved. */
  async refresh(): Promise<void> {
    await this.reread();
  }

  private async reread(): Promise<void> {
    try {
      await this.index.read();
    } catch (error) {
      // A corrupt index on disk is replaced by ours on the next write.
      if (!(error instanceof CorruptDataFileError)) throw error;
    }
    if (typeof this.index.data.chats !== "object" || this.index.data.chats === null) this.index.data = { version: 1, chats: {} };
  }

  /** Newest first, as of the last open, save or refresh. */
  list(): ChatIndexEntry[] {
    return Object.values(this.index.data.chats).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
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

  /** Saves a new chat (e.g. from createChat, branchChat or an import). */
  async create(chat: Chat): Promise<ChatHandle> {
    checkId(chat.id);
    if (this.index.data.chats[chat.id]) throw new Error(`a chat with id ${chat.id} already exists in ${this.dir}`);
    const bytes = await writeSnapshot(this.dir, chat, 0);
    await this.updateIndex(chat);
    return new ChatHandle(this, chat, 0, bytes, false);
  }

  async open(name: string): Promise<ChatHandle> {
    const entry = this.resolve(name);
    const loaded = await loadChatFile(this.dir, entry.id);
    return new ChatHandle(this, loaded.chat, loaded.generation, loaded.snapshotBytes, loaded.tornTail, loaded.journalBytes);
  }

  /** Moves the chat's files to the trash folder; returns where they went. */
  async delete(name: string): Promise<string> {
    const entry = this.resolve(name);
    const trash = join(this.dir, ".trash", `${entry.id}-${Date.now()}`);
    await this.reread();
    await mkdir(trash, { recursive: true });
    await rename(snapshotPath(this.dir, entry.id), join(trash, `${entry.id}.json`));
    await rename(journalPath(this.dir, entry.id), join(trash, `${entry.id}.log.jsonl`)).catch(ignoreMissing);
    delete this.index.data.chats[entry.id];
    await this.index.write();
    return trash;
  }

  async rename(name: string, title: string): Promise<Chat> {
    const handle = await this.open(name);
    const trimmed = title.trim();
    if (trimmed === "") throw new Error("a chat title cannot be empty");
    await handle.save({ ...handle.chat, title: trimmed });
    return handle.chat;
  }

  /** @internal called by ChatHandle after each save. */
  async updateIndex(chat: Chat): Promise<number> {
    // Re-read first so that chats saved meanwhile by another process are not dropped.
    await this.reread();
    this.index.data.chats[chat.id] = indexEntry(chat);
    await this.index.write();
    return Buffer.byteLength(JSON.stringify(this.index.data));
  }

  /** Rebuilds the index from the chat files (a lost or corrupt index loses nothing). */
  async rebuildIndex(): Promise<void> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith(".json") && f !== "index.json" && !f.startsWith("."));
    const chats: Record<string, ChatIndexEntry> = {};
    for (const file of files) {
      const id = file.slice(0, -".json".length);
      if (!SAFE_ID.test(id)) continue;
      const loaded = await loadChatFile(this.dir, id).catch(() => undefined);
      if (loaded) chats[id] = indexEntry(loaded.chat);
    }
    if (Object.keys(chats).length === 0) return;
    this.index.data.chats = chats;
    await this.index.write();
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
  ) {}

  get chat(): Chat {
    return this.current;
  }

  save(next: Chat): Promise<SaveStats> {
    const run = this.queue.then(() => this.write(next));
    this.queue = run.catch(() => {});
    return run;
  }

  private async write(next: Chat): Promise<SaveStats> {
    if (next.id !== this.current.id) throw new Error(`chat ${this.current.id} cannot be saved as ${next.id}; use ChatStore.create`);
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
    bytesWritten += await this.store.updateIndex(next);
    return { bytesWritten, compacted: compact };
  }
}

function indexEntry(chat: Chat): ChatIndexEntry {
  return {
    id: chat.id,
    title: chat.title,
    characterId: chat.characterId,
    characterName: chat.characterName,
    messageCount: chat.messages.length,
    createdAt: chat.createdAt,
    updatedAt: chat.updatedAt,
  };
}

function checkId(id: string): void {
  if (!SAFE_ID.test(id)) throw new Error(`chat id "${id}" must be letters, digits, - and _ (it names a file)`);
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== "ENOENT") throw error;
}
