/**
 * Groups in and out of SillyTavern: its group JSON with the group's chat JSONL files,
 * laid out as SillyTavern keeps them (`groups/<id>.json`, `group chats/<chat>.jsonl`).
 * An import reads and checks every file before it writes anything.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { systemChatEnv, type ChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import { avatarKeyFor, cardForKey, type LibraryCardRef } from "../../core/group/members.ts";
import { formatStGroup, parseStGroup } from "../../core/group/stGroup.ts";
import { formatStGroupChat, parseStGroupChat } from "../../core/group/stGroupChat.ts";
import { chatMetadataOf } from "../../core/chat/jsonl.ts";
import type { Group } from "../../core/group/types.ts";
import { writeFileAtomic } from "../atomicWrite.ts";
import type { ChatStore } from "../chats/chatStore.ts";
import type { GroupStore } from "./groupStore.ts";

export interface ImportGroupOptions {
  /** SillyTavern's group file. */
  file: string;
  /** Where its chats are; by default beside the file, then SillyTavern's `group chats` folder next to `groups`. */
  chatsDir?: string;
  groups: GroupStore;
  chats: ChatStore;
  /** The library's cards, to find each member's. */
  cards: readonly LibraryCardRef[];
  env?: ChatEnv;
  now?: () => number;
}

export interface GroupImport {
  group: Group;
  chats: Chat[];
  /** Members whose cards are not in the library: kept in the group, left out of its turns until imported. */
  missingMembers: string[];
  /** Chats the group lists whose files were not found. */
  missingChats: string[];
  /** The group's id was taken here: it got a new one. */
  renamedFrom?: string;
}

export async function importStGroup(options: ImportGroupOptions): Promise<GroupImport> {
  const env = options.env ?? systemChatEnv;
  const imported = parseStGroup(await readFile(options.file, "utf8"), options.file);
  const group = { ...imported.group, cards: {} as Record<string, string> };
  if (imported.membersByName) group.members = keysForNames(group.members, options.cards, group.cards);
  for (const key of group.members) {
    const card = group.cards[key] === undefined ? cardForKey(key, options.cards) : undefined;
    if (card) group.cards[key] = card.id;
  }
  const missingMembers = group.members.filter((k) => group.cards[k] === undefined);
  const renamedFrom = (await options.groups.has(group.id)) ? group.id : undefined;
  if (renamedFrom) group.id = await options.groups.freeId((options.now ?? Date.now)());

  const dirs = options.chatsDir ? [options.chatsDir] : [dirname(options.file), join(dirname(options.file), "..", "group chats"), join(dirname(options.file), "group chats")];
  const chats: Chat[] = [];
  const ids = new Map<string, string>();
  const missingChats: string[] = [];
  for (const name of group.chats) {
    const found = await readFirst(dirs.map((d) => join(d, `${name}.jsonl`)));
    if (!found) {
      missingChats.push(name);
      continue;
    }
    const chat = parseStGroupChat({ text: found.text, file: found.path, env, group, name, metadata: imported.chatMetadata[name] ?? {} });
    chats.push(chat);
    ids.set(name, chat.id);
  }
  const saved: Group = {
    ...group,
    chats: group.chats.filter((c) => ids.has(c)).map((c) => ids.get(c)!),
    chatId: ids.get(group.chatId) ?? chats.at(-1)?.id ?? "",
  };
  const taken = new Set(options.chats.list().map((c) => c.id));
  const clash = chats.find((c) => taken.has(c.id));
  if (clash) throw new Error(`a chat with id ${clash.id} already exists: nothing was imported`);
  for (const chat of chats) await options.chats.create(chat);
  await options.groups.save(saved);
  return { group: saved, chats, missingMembers, missingChats, ...(renamedFrom && { renamedFrom }) };
}

export interface ImportGroupChatOptions {
  /** A SillyTavern group chat file (JSONL, with or without its header line). */
  file: string;
  group: Group;
  groups: GroupStore;
  chats: ChatStore;
  env?: ChatEnv;
}

/**
 * One SillyTavern group chat into a group, as its "import chat" does: a new chat of the
 * group (not opened), titled by the file's name; the group lists it last.
 */
export async function importStGroupChat(options: ImportGroupChatOptions): Promise<{ group: Group; chat: Chat }> {
  const name = basename(options.file).replace(/\.jsonl$/i, "");
  const chat = parseStGroupChat({ text: await readFile(options.file, "utf8"), file: options.file, env: options.env ?? systemChatEnv, group: options.group, name });
  await options.chats.create(chat);
  const group: Group = { ...options.group, chats: [...options.group.chats, chat.id], ...(options.group.chatId === "" && { chatId: chat.id }) };
  await options.groups.save(group);
  return { group, chat };
}

/** A legacy group's member names as avatar keys: each card found by name, the names not found kept as keys. */
function keysForNames(names: string[], cards: readonly LibraryCardRef[], found: Record<string, string>): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const card = cards.find((c) => c.name === name);
    const key = avatarKeyFor(name, taken);
    taken.add(key);
    if (card) found[key] = card.id;
    return key;
  });
}

async function readFirst(paths: string[]): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    try {
      return { path, text: await readFile(path, "utf8") };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  return undefined;
}

export interface ExportGroupOptions {
  group: Group;
  /** The group's chats, as they stand. */
  chats: Chat[];
  /** The folder to write SillyTavern's layout into. */
  out: string;
  /** SillyTavern 2024's shape: metadata in the group file, chat files without a header. */
  legacy?: boolean;
}

export interface GroupExport {
  groupFile: string;
  chatFiles: string[];
}

export async function exportStGroup(options: ExportGroupOptions): Promise<GroupExport> {
  const { group, legacy } = options;
  const names = chatFileNames(options.chats);
  const groupFile = join(options.out, "groups", `${group.id}.json`);
  const chatFiles: string[] = [];
  for (const chat of options.chats) {
    const path = join(options.out, "group chats", `${names.get(chat.id)!}.jsonl`);
    await writeFileAtomic(path, formatStGroupChat(chat, { legacy }));
    chatFiles.push(path);
  }
  const legacyMetadata = legacy ? new Map(options.chats.map((c) => [c.id, chatMetadataOf(c)])) : undefined;
  await writeFileAtomic(groupFile, formatStGroup(group, { chatNames: names, ...(legacyMetadata && { legacyMetadata }) }));
  return { groupFile, chatFiles };
}

/** Each chat's SillyTavern name: its title made safe as a file name, and unique among the group's. */
function chatFileNames(chats: Chat[]): Map<string, string> {
  const taken = new Set<string>();
  const out = new Map<string, string>();
  for (const chat of chats) {
    // eslint-disable-next-line no-control-regex
    const base = basename(chat.title.replace(/[/\\:*?"<>|\u0000-\u001f]/g, "_").trim()) || chat.id;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
    taken.add(name);
    out.set(chat.id, name);
  }
  return out;
}
