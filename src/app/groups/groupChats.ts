/**
 * A group chat opened as a chat session: the same session every surface uses (drafts,
 * edits, swipes, samplers, books), whose turns are the group's (groupTurn.ts) and which
 * also answers for the group: its members, who is muted, asking one to speak.
 */
import type { Character } from "../../core/cards/character.ts";
import type { ChatEnv } from "../../core/chat/operations.ts";
import type { Chat } from "../../core/chat/types.ts";
import { activationStrategyName, generationModeName, type Group, type MemberCard } from "../../core/group/types.ts";
import { createGroupChat, groupCharacterId, humanizedDateTime } from "../../core/group/greetings.ts";
import { memberMacros } from "../../core/group/macros.ts";
import { findMember } from "../../core/group/members.ts";
import { openChat as openGroupChatIn, setMuted } from "../../core/group/definition.ts";
import { speakerKey } from "../../core/group/messages.ts";
import { speakerPrompt } from "../../core/group/speaker.ts";
import { formatStGroupChat } from "../../core/group/stGroupChat.ts";
import type { Lorebook } from "../../core/lorebook/model.ts";
import { activateLoreForChat } from "../../core/lorebook/forChat.ts";
import { buildTurnPrompt } from "../../engine/chatTurn.ts";
import type { ChatHandle, ChatLockOptions, ChatStore } from "../../store/chats/chatStore.ts";
import { withRegexAnswers, type RegexMatcher } from "../../core/lorebook/regexAnswers.ts";
import { sharedRegexMatcher } from "../../engine/lore/regexWorker.ts";
import type { GroupStore } from "../../store/groups/groupStore.ts";
import type { PresetStore } from "../../store/presets/presetStore.ts";
import type { SettingsStore } from "../../store/settings.ts";
import { writeFileAtomic } from "../../store/atomicWrite.ts";
import type { LibraryService } from "../library.ts";
import type { LoreService } from "../lore.ts";
import type { PersonaService } from "../personas.ts";
import { createChatSession, type ChatSession, type ChatTarget, type SessionSummary, type SessionTurn } from "../chats/session.ts";
import { answerCardRegex, chatRoleplay } from "../chats/roleplay.ts";
import type { SummarizeResult } from "../../engine/summarize.ts";
import type { TurnResult } from "../turns/playTurn.ts";
import { playGroupSessionTurn } from "./groupTurn.ts";
import { resolveMembers } from "./members.ts";
import type { GroupChatControls, GroupInfo, GroupMemberInfo } from "./groupTypes.ts";

export type { GroupChatControls, GroupInfo, GroupMemberInfo };

export interface GroupChatOpenDeps {
  env: ChatEnv;
  store(): Promise<ChatStore>;
  groups(): Promise<GroupStore>;
  settings(): Promise<SettingsStore>;
  presets(): Promise<PresetStore>;
  library: LibraryService;
  lore: LoreService;
  personas: PersonaService;
  /** The engine for a chat's turns (saved chats keep their KV state). */
  run(saved: boolean): (turn: SessionTurn) => Promise<TurnResult>;
  /** The engine for the chat's running summary. */
  summarize(saved: boolean): (request: SessionSummary) => Promise<SummarizeResult>;
  /** Where an export goes when no path is given. */
  exportPath(chat: Chat, path: string | undefined): string;
  random?: () => number;
  /** Where regex keys run for the preview (turns run them in `run`). */
  regexMatcher?: RegexMatcher;
  /** How a saved group chat is held against other taproom processes. */
  lock?: ChatLockOptions;
}

export interface OpenedGroupChat {
  session: ChatSession;
  /** The saved chat's handle, closed (and its lock let go) after the session; absent for a one-off read. */
  handle?: ChatHandle;
}

/** The group a target names: its groupId, or a characterId of the form group:ID. */
export function groupIdOf(target: Pick<ChatTarget, "characterId" | "groupId">): string | undefined {
  if (target.groupId !== undefined) return target.groupId;
  return target.characterId?.startsWith("group:") ? target.characterId.slice("group:".length) : undefined;
}

export async function openGroupChat(target: ChatTarget, groupId: string, deps: GroupChatOpenDeps): Promise<OpenedGroupChat> {
  const groups = await deps.groups();
  const store = await deps.store();
  const stored = await groups.get(groupId);
  const resolved = await resolveMembers(stored, deps.library);
  let group = resolved.group;
  const { members, missing } = resolved;
  if (members.length === 0) throw new Error(`${group.name} has no member whose card is in the library (missing: ${missing.join(", ")})`);
  const random = deps.random ?? Math.random;
  const [settings, presetStore] = await Promise.all([deps.settings(), deps.presets()]);
  const fresh = async (title?: string) => {
    const persona = await deps.personas.forChat({});
    return createGroupChat({ group, members, expand: memberMacros({ persona, members, chatId: group.id }), random, env: deps.env, ...(title !== undefined && { title }) });
  };
  let chat: Chat;
  let handle: ChatHandle | undefined;
  const held = target.unsaved || !deps.lock ? {} : { lock: deps.lock };
  if (target.chatId !== undefined) {
    handle = await store.open(target.chatId, held);
    chat = handle.chat;
  } else if (target.unsaved) {
    chat = await fresh(target.title);
  } else {
    const current = !target.fresh && target.title === undefined ? store.list().find((c) => c.id === group.chatId && c.groupId === group.id)
      ?? store.list().filter((c) => c.groupId === group.id).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0] : undefined;
    handle = current ? await store.open(current.id, held) : await store.create(await fresh(target.title ?? humanizedDateTime(new Date())), held);
    chat = handle.chat;
  }
  if (handle && target.unsaved) handle = undefined;
  // The chat open now is the group's open chat, and the cards found are remembered (SillyTavern's chat_id).
  const moved = group.chatId !== chat.id || !group.chats.includes(chat.id);
  if (handle && (moved || JSON.stringify(group.cards) !== JSON.stringify(stored.cards))) {
    group = openGroupChatIn(group, chat.id);
    await groups.save(group);
  }

  const persona = await deps.personas.forChat(chat.settings);
  const bookSets = new Map<string, { books: Lorebook[]; tiers: number[] }>();
  const problems: string[] = [];
  const loadBooks = async (names: string[] | undefined) => {
    bookSets.clear();
    problems.length = 0;
    for (const m of members) {
      const loaded = await deps.lore.forChat(m.character, names);
      bookSets.set(m.key, { books: loaded.books, tiers: loaded.tiers });
      for (const p of [...loaded.problems, ...loaded.warnings]) if (!problems.includes(p)) problems.push(p);
    }
    const all = new Map<string, Lorebook>();
    for (const set of bookSets.values()) for (const b of set.books) all.set(b.name, b);
    return { books: [...all.values()], tiers: [...all.values()].map(() => 2), problems: [...problems] };
  };
  const union = await loadBooks(chat.settings.lorebooks);
  const missingLine = missing.length ? [`not in the library, sitting out: ${missing.join(", ")}`] : [];
  const notes = [...missingLine, ...problems];
  const booksFor = (m: MemberCard) => bookSets.get(m.key) ?? { books: [], tiers: [] };
  // SillyTavern runs the speaker's own (allowed) scripts while it writes, and only the global ones otherwise.
  const memberCard = (m: MemberCard) => ({ id: group.cards[m.key] ?? m.key, extensions: m.character.extensions });
  const regexFor = (m: MemberCard) => chatRoleplay(settings, memberCard(m)).regex;
  const unasked = members.filter((m) => chatRoleplay(settings, memberCard(m)).cardScripts === "ask");
  for (const m of unasked) notes.push(`${m.name}'s own regex scripts are off until allowed (taproom regex allow ${m.name}, or /scripts allow in a chat with ${m.name})`);
  let info = groupInfoOf(group, members, missing);

  const groupCard = { id: groupCharacterId(group.id), extensions: {} };
  const base = createChatSession({
    chat,
    character: groupCharacter(group, members),
    characterId: groupCharacterId(group.id),
    persona,
    notice: notes.length ? notes.join("; ") : null,
    bookNotes: problems,
    env: deps.env,
    ...(handle && { save: (next: Chat) => handle.save(next) }),
    flush: async () => handle?.flush(),
    presets: presetStore.list(),
    defaultPreset: settings.settings.defaultPreset,
    personas: () => settings.personas,
    books: union.books,
    bookTiers: union.tiers,
    loadBooks,
    available: await deps.lore.names().catch(() => []),
    availableBooks: () => deps.lore.names(),
    loreSettings: settings.settings.worldInfo,
    prompts: { ...settings.promptSettings(), templates: presetStore.templates() },
    run: deps.run(handle !== undefined),
    // Shown and kept outside a turn: the global scripts (a member's own run in its turns, see regexFor).
    roleplay: chatRoleplay(settings, groupCard),
    answerCardScripts: (allow) => answerCardRegex(settings, groupCard, allow),
    summarize: deps.summarize(handle !== undefined),
    create: async (branched) => (await deps.store()).create({ ...branched, groupId: group.id }),
    async exportChat(current, _userName, path) {
      const out = deps.exportPath(current, path);
      await writeFileAtomic(out, formatStGroupChat(current));
      return out;
    },
    playTurn: (request, ctx) => playGroupSessionTurn(request, ctx, { group: () => group, members: () => members, booksFor, regexFor, env: deps.env, random }),
  });

  const controls: GroupChatControls = {
    info: () => info,
    async setMuted(name, muted) {
      const member = findMember(members, name);
      group = setMuted(group, member.key, muted);
      member.muted = muted;
      await (await deps.groups()).save(group);
      info = groupInfoOf(group, members, missing);
      return info;
    },
  };
  const session: ChatSession = {
    ...base,
    group: controls,
    async preview(options) {
      // The prompt the member most likely to speak next would get: who spoke last, else the first unmuted.
      const last = [...base.chat().messages].reverse().map(speakerKey).find((k) => k !== undefined);
      const speaker = members.find((m) => m.key === last) ?? members.find((m) => !m.muted) ?? members[0]!;
      const current = base.chat();
      const p = speakerPrompt({ group, members, speaker: speaker.key, chat: current, persona: base.persona() });
      const samplers = base.samplers();
      const { books, tiers } = booksFor(speaker);
      const lore = await withRegexAnswers((regex) => activateLoreForChat({
        books, tiers, chat: current, character: p.character, personaName: base.persona().name, generationType: "normal",
        contextSize: Math.max(1, options.model.contextSize - (options.maxTokens ?? samplers.maxTokens)), tokenize: (t) => options.model.countTokens(t),
        settings: settings.settings.worldInfo, regex,
      }), deps.regexMatcher ?? sharedRegexMatcher());
      const { prompt, choice } = buildTurnPrompt({
        model: options.model, chat: current, character: p.character, persona: base.persona(), group: p.group,
        lore: lore.insertions,
        settings: { samplers: { ...samplers, ...(options.maxTokens !== undefined && { maxTokens: options.maxTokens }) }, ...settings.promptSettings(), templates: presetStore.templates(), ...(options.template !== undefined && { template: options.template }), ...(options.names !== undefined && { names: options.names }) },
        mode: "reply",
      });
      return { prompt, choice, samplers };
    },
  };
  return { session, ...(handle && { handle }) };
}

export function groupInfoOf(group: Group, members: MemberCard[], missing: string[]): GroupInfo {
  return {
    id: group.id,
    name: group.name,
    strategy: activationStrategyName(group.activationStrategy) ?? "natural",
    mode: generationModeName(group.generationMode),
    members: group.members.map((key) => {
      const m = members.find((x) => x.key === key);
      return { key, name: m?.name ?? key, muted: group.muted.includes(key), missing: missing.includes(key) };
    }),
  };
}

/** What a group chat shows where a chat shows its character: the group's name over the first member's card. */
function groupCharacter(group: Group, members: MemberCard[]): Character {
  return { ...members[0]!.character, name: group.name };
}
