/**
 * The groups: listing, showing, creating, changing and deleting them, and moving them in
 * and out of SillyTavern. A group's chats open through the chats service (ChatTarget's
 * groupId), so every surface plays a group's turns the same way.
 */
import { homedir } from "node:os";
import { resolve } from "node:path";
import { systemChatEnv, updateSettings, type ChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import {
  addMember, GroupSettingError, newGroup, parseActivationStrategy, parseGenerationMode, removeMember, setMuted,
} from "../../core/group/definition.ts";
import { avatarKeyFor, findCard, findMember } from "../../core/group/members.ts";
import type { Group } from "../../core/group/types.ts";
import type { ChatIndexEntry, ChatStore } from "../../store/chats/chatStore.ts";
import type { GroupStore } from "../../store/groups/groupStore.ts";
import { exportStGroup, importStGroup, importStGroupChat, type GroupExport, type GroupImport } from "../../store/groups/groupTransfer.ts";
import type { LibraryService } from "../library.ts";
import { groupInfoOf, type GroupInfo } from "./groupChats.ts";
import { cardRefs, resolveMembers } from "./members.ts";

export type { GroupExport, GroupImport, GroupInfo };
export { AmbiguousGroupNameError, GroupNotFoundError } from "../../store/groups/groupStore.ts";
export { CardChoiceError, MemberNotFoundError } from "../../core/group/members.ts";
export { GroupSettingError } from "../../core/group/definition.ts";

/** A group in full: what `taproom group show` prints. */
export interface GroupDetails extends GroupInfo {
  allowSelfResponses: boolean;
  joinPrefix: string;
  joinSuffix: string;
  autoModeDelay: number;
  /** The group's chats, the open one first. */
  chats: ChatIndexEntry[];
  /** The open chat's scenario override and chat lorebook, when it has them. */
  scenario?: string;
  lorebook?: string;
  /** The stored group, every field. */
  group: Group;
}

export interface CreateGroupInput {
  name: string;
  /** Characters by library id or name, in list order. */
  members: string[];
  strategy?: string;
  /** swap, join, join-muted. */
  mode?: string;
  allowSelfResponses?: boolean;
}

export interface GroupChange {
  name?: string;
  strategy?: string;
  mode?: string;
  allowSelfResponses?: boolean;
  joinPrefix?: string;
  joinSuffix?: string;
  /** Characters (by library id or name) added at the end of the list. */
  add?: string[];
  /** Members (by name) taken out of the group. */
  remove?: string[];
  mute?: string[];
  unmute?: string[];
  /** The open chat's scenario override (SillyTavern's chat_metadata.scenario); "" removes it. */
  scenario?: string;
  /** The open chat's lorebook (SillyTavern's chat lorebook, chat_metadata.world_info); "" removes it. */
  lorebook?: string;
}

export interface GroupsService {
  list(): Promise<{ groups: GroupDetails[]; problems: string[] }>;
  show(name: string): Promise<GroupDetails>;
  create(input: CreateGroupInput): Promise<GroupDetails>;
  update(name: string, change: GroupChange): Promise<GroupDetails>;
  /** Deletes the group and its chats (both to the trash). */
  remove(name: string): Promise<{ group: Group; chats: number }>;
  /** A SillyTavern group file and its chats (beside it, or in its `group chats` folder, or `chats`). */
  import(file: string, options?: { chats?: string }): Promise<GroupImport>;
  /** One SillyTavern group chat (JSONL) as a new chat of the group. */
  importChat(name: string, file: string): Promise<{ group: GroupDetails; chat: Chat }>;
  /** SillyTavern's layout under `out`: groups/<id>.json and group chats/<chat>.jsonl. */
  export(name: string, out: string, options?: { legacy?: boolean }): Promise<GroupExport>;
}

export interface GroupsServiceOptions {
  cwd: string;
  env?: ChatEnv;
  now?: () => number;
  groups(): Promise<GroupStore>;
  store(): Promise<ChatStore>;
  library: LibraryService;
}

export function createGroupsService(options: GroupsServiceOptions): GroupsService {
  const { library } = options;
  const now = options.now ?? Date.now;
  const path = (p: string) => resolve(options.cwd, p.replace(/^~(?=$|\/)/, homedir()));

  async function details(group: Group): Promise<GroupDetails> {
    const { members, missing } = await resolveMembers(group, library);
    const store = await options.store();
    const chats = store.list().filter((c) => c.groupId === group.id).sort((a, b) => (a.id === group.chatId ? -1 : b.id === group.chatId ? 1 : b.updatedAt.localeCompare(a.updatedAt)));
    const open = chats[0]?.id === group.chatId ? (await store.open(group.chatId)).chat.settings : {};
    return {
      ...groupInfoOf(group, members, missing),
      ...(open.scenario !== undefined && { scenario: open.scenario }),
      ...(open.lorebooks?.[0] !== undefined && { lorebook: open.lorebooks[0] }),
      allowSelfResponses: group.allowSelfResponses, joinPrefix: group.joinPrefix, joinSuffix: group.joinSuffix, autoModeDelay: group.autoModeDelay,
      chats, group,
    };
  }

  /** Characters named by a person, as new members with SillyTavern's avatar keys. */
  async function newMembers(names: string[], group?: Group) {
    const refs = cardRefs((await library.list()).cards);
    const taken = new Set(group?.members ?? []);
    return names.map((query) => {
      const card = findCard(refs, query);
      if (group && Object.values(group.cards).includes(card.id)) throw new GroupSettingError(`${card.name} is already in ${group.name}`);
      const key = avatarKeyFor(card.name, taken);
      taken.add(key);
      return { key, cardId: card.id, name: card.name };
    });
  }

  async function change(group: Group, c: GroupChange): Promise<Group> {
    let next = { ...group };
    if (c.name !== undefined) {
      if (c.name.trim() === "") throw new GroupSettingError("a group's name cannot be empty");
      next.name = c.name.trim();
    }
    if (c.strategy !== undefined) next.activationStrategy = parseActivationStrategy(c.strategy);
    if (c.mode !== undefined) next.generationMode = parseGenerationMode(c.mode);
    if (c.allowSelfResponses !== undefined) next.allowSelfResponses = c.allowSelfResponses;
    if (c.joinPrefix !== undefined) next.joinPrefix = c.joinPrefix;
    if (c.joinSuffix !== undefined) next.joinSuffix = c.joinSuffix;
    for (const m of await newMembers(c.add ?? [], next)) next = addMember(next, m);
    const { members } = await resolveMembers(next, library);
    const keyOf = (name: string) => {
      const known = next.members.find((k) => k === name);
      return known ?? findMember(members, name).key;
    };
    for (const name of c.remove ?? []) next = removeMember(next, keyOf(name));
    for (const name of c.mute ?? []) next = setMuted(next, keyOf(name), true);
    for (const name of c.unmute ?? []) next = setMuted(next, keyOf(name), false);
    return next;
  }

  /** The group's open chat gets the scenario override or chat lorebook (saved through the chat store). */
  async function changeOpenChat(group: Group, c: GroupChange): Promise<void> {
    const store = await options.store();
    if (!store.list().some((e) => e.id === group.chatId)) throw new GroupSettingError(`${group.name} has no chat yet: open it once (taproom chat --group, or the home screen) and try again`);
    const handle = await store.open(group.chatId);
    const env = options.env ?? systemChatEnv;
    const patch = {
      ...(c.scenario !== undefined && { scenario: c.scenario.trim() === "" ? undefined : c.scenario }),
      ...(c.lorebook !== undefined && { lorebooks: c.lorebook.trim() === "" ? undefined : [c.lorebook.trim(), ...(handle.chat.settings.lorebooks ?? []).slice(1)] }),
    };
    await handle.save(updateSettings(handle.chat, patch, env));
    await handle.flush();
  }

  return {
    async list() {
      const { groups, problems } = await (await options.groups()).list();
      return { groups: await Promise.all(groups.map(details)), problems };
    },
    show: async (name) => details(await (await options.groups()).get(name)),
    async create(input) {
      const store = await options.groups();
      const members = await newMembers(input.members);
      const group = newGroup({
        id: await store.freeId(now()), name: input.name, members,
        ...(input.strategy !== undefined && { activationStrategy: parseActivationStrategy(input.strategy) }),
        ...(input.mode !== undefined && { generationMode: parseGenerationMode(input.mode) }),
        ...(input.allowSelfResponses !== undefined && { allowSelfResponses: input.allowSelfResponses }),
      });
      if ((await store.list()).groups.some((g) => g.name.toLowerCase() === group.name.toLowerCase())) {
        throw new GroupSettingError(`there is already a group named "${group.name}"`);
      }
      await store.save(group);
      return details(group);
    },
    async update(name, c) {
      const store = await options.groups();
      const next = await change(await store.get(name), c);
      if (c.scenario !== undefined || c.lorebook !== undefined) await changeOpenChat(next, c);
      await store.save(next);
      return details(next);
    },
    async remove(name) {
      const groups = await options.groups();
      const group = await groups.get(name);
      const store = await options.store();
      const chats = store.list().filter((c) => c.groupId === group.id);
      for (const chat of chats) await store.delete(chat.id);
      await groups.delete(group.id);
      return { group, chats: chats.length };
    },
    async import(file, { chats } = {}) {
      return importStGroup({
        file: path(file), ...(chats !== undefined && { chatsDir: path(chats) }),
        groups: await options.groups(), chats: await options.store(), cards: cardRefs((await library.list()).cards),
        env: options.env ?? systemChatEnv, now,
      });
    },
    async importChat(name, file) {
      const groups = await options.groups();
      const { group, chat } = await importStGroupChat({
        file: path(file), group: await groups.get(name), groups, chats: await options.store(), env: options.env ?? systemChatEnv,
      });
      return { group: await details(group), chat };
    },
    async export(name, out, { legacy } = {}) {
      const group = await (await options.groups()).get(name);
      const store = await options.store();
      const chats: Chat[] = [];
      for (const id of group.chats) {
        const entry = store.list().find((c) => c.id === id);
        if (entry) chats.push((await store.open(id)).chat);
      }
      return exportStGroup({ group, chats, out: path(out), ...(legacy && { legacy }) });
    },
  };
}
