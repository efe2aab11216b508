import { writeError } from "../fileErrors.ts";
import { depthProblem } from "../../core/text/jsonDepth.ts";
/**
 * One chat on disk: a snapshot `<id>.json` (written atomically) plus an append-only
 * journal `<id>.log.jsonl`. A save appends one line holding the chat's header and the
 * messages from the first one that changed, so a send to a 5,000-message chat writes
 * one message, not the whole chat. When the journal outgrows the snapshot, the chat is
 * compacted into a new snapshot whose generation number makes older journal lines
 * void, so a crash between the two writes never replays stale lines.
 *
 * A change to the draft alone (typed, not sent) is a draft line holding only the draft,
 * not the header: the header carries the chat's settings, lore state and imported
 * metadata, and typing saves every second. Draft lines have no `g`, so an older
 * taproom reading this journal skips them and loses only the draft.
 */
import { open, readFile, stat } from "node:fs/promises";
import { writeFileAtomic } from "../atomicWrite.ts";
import type { Chat, ChatMessage } from "../../core/chat/types.ts";

export class ChatFileError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = "ChatFileError";
  }
}

interface Snapshot {
  format: "taproom-chat";
  version: 1;
  generation: number;
  chat: Chat;
}

type Header = Omit<Chat, "messages">;

interface ChangeRecord {
  g: number;
  /** Messages from this index on are replaced by `messages`. */
  from: number;
  messages: ChatMessage[];
  header: Header;
}

/** Only the draft changed: the draft (absent when cleared) and the time it changed. */
interface DraftRecord {
  /** The generation, as `g` is for a change record. */
  d: number;
  draft?: string;
  updatedAt: string;
}

type JournalRecord = ChangeRecord | DraftRecord;

export interface SaveStats {
  /** Chat file bytes plus index bytes written by this save. */
  bytesWritten: number;
  /** The chat was rewritten as a new snapshot (journal too long, or torn). */
  compacted: boolean;
  indexWritten: boolean;
}

export interface LoadedChat {
  chat: Chat;
  generation: number;
  snapshotBytes: number;
  journalBytes: number;
  /** The journal ended in a torn line (a crash mid-append); it was left out. */
  tornTail: boolean;
}

export function snapshotPath(dir: string, id: string): string {
  return `${dir}/${id}.json`;
}

export function journalPath(dir: string, id: string): string {
  return `${dir}/${id}.log.jsonl`;
}

export async function loadChatFile(dir: string, id: string): Promise<LoadedChat> {
  const path = snapshotPath(dir, id);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new ChatFileError(path, "no such chat file");
    throw error;
  }
  const snapshot = parseSnapshot(text, path);
  let chat = snapshot.chat;
  const journal = await readFile(journalPath(dir, id), "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return "";
    throw error;
  });
  let tornTail = false;
  for (const line of journal.split("\n")) {
    if (line === "") continue;
    let record: JournalRecord;
    try {
      record = JSON.parse(line) as JournalRecord;
    } catch {
      tornTail = true;
      break;
    }
    if (typeof record !== "object" || record === null) {
      tornTail = true;
      break;
    }
    if ("d" in record) {
      if (record.d === snapshot.generation) chat = withDraft(chat, record);
      continue;
    }
    if (record.g !== snapshot.generation) continue;
    chat = { ...record.header, messages: chat.messages.slice(0, record.from).concat(record.messages) };
  }
  return {
    chat,
    generation: snapshot.generation,
    snapshotBytes: Buffer.byteLength(text),
    journalBytes: Buffer.byteLength(journal),
    tornTail,
  };
}

/** Writes a whole chat as a new snapshot and empties the journal. */
export async function writeSnapshot(dir: string, chat: Chat, generation: number): Promise<number> {
  const snapshot: Snapshot = { format: "taproom-chat", version: 1, generation, chat };
  const text = JSON.stringify(snapshot);
  await writeFileAtomic(snapshotPath(dir, chat.id), text);
  const journal = journalPath(dir, chat.id);
  const exists = await stat(journal).then(
    () => true,
    () => false,
  );
  if (exists) await writeFileAtomic(journal, "");
  return Buffer.byteLength(text);
}

/** The index of the first message that differs; messages keep identity when unchanged. */
export function firstChangedMessage(before: ChatMessage[], after: ChatMessage[]): number {
  const common = Math.min(before.length, after.length);
  for (let i = 0; i < common; i++) if (before[i] !== after[i]) return i;
  return common;
}

/** Appends one journal line and fsyncs it; returns the bytes written. */
export async function appendJournal(dir: string, chatId: string, record: JournalRecord): Promise<number> {
  const line = `${JSON.stringify(record)}\n`;
  const path = journalPath(dir, chatId);
  try {
    const handle = await open(path, "a", 0o644);
    try {
      await handle.writeFile(line);
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    // A torn last line is dropped on the next load: the chat stays as it was before this save.
    throw writeError(path, error);
  }
  return Buffer.byteLength(line);
}

export function journalRecord(generation: number, before: Chat, after: Chat): JournalRecord {
  const from = firstChangedMessage(before.messages, after.messages);
  if (from === before.messages.length && from === after.messages.length && onlyDraftChanged(before, after)) {
    return { d: generation, ...(after.draft !== undefined && { draft: after.draft }), updatedAt: after.updatedAt };
  }
  const { messages, ...header } = after;
  return { g: generation, from, messages: messages.slice(from), header };
}

/** Header fields compared by identity: chat operations keep the ones they do not touch. */
function onlyDraftChanged(before: Chat, after: Chat): boolean {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    if (key === "messages" || key === "draft" || key === "updatedAt") continue;
    if (before[key as keyof Chat] !== after[key as keyof Chat]) return false;
  }
  return true;
}

function withDraft(chat: Chat, record: DraftRecord): Chat {
  const { draft: _old, ...rest } = chat;
  return typeof record.draft === "string" ? { ...rest, draft: record.draft, updatedAt: record.updatedAt } : { ...rest, updatedAt: record.updatedAt };
}

function parseSnapshot(text: string, path: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ChatFileError(path, "not valid JSON");
  }
  const tooDeep = depthProblem(value);
  if (tooDeep) throw new ChatFileError(path, tooDeep);
  const snapshot = value as Partial<Snapshot> | null;
  if (!snapshot || snapshot.format !== "taproom-chat") throw new ChatFileError(path, `not a taproom chat (format is not "taproom-chat")`);
  if (typeof snapshot.generation !== "number") throw new ChatFileError(path, `"generation" must be a number`);
  const chat = snapshot.chat as Partial<Chat> | undefined;
  if (!chat || typeof chat.id !== "string" || !Array.isArray(chat.messages)) {
    throw new ChatFileError(path, `"chat" must hold an id and a messages list`);
  }
  return snapshot as Snapshot;
}
