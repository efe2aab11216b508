/**
 * Assembles the text-completion prompt as SillyTavern's Generate (public/script.js) does
 * for its text-completion APIs: the story string, the example dialogue, the chat start
 * marker, the history with at-depth injections (lore, the author's note, the character's
 * note), and the line the reply starts after; `\r` removed. What differs is taproom's own:
 * the history is trimmed in steps so llama.cpp's cache stays warm, and examples give way
 * to history all at once (see README).
 */
import type { ChatMessage } from "../chat/types.ts";
import type { LoreInsertion, PromptRole } from "../lorebook/insertion.ts";
import { addReasoningToPrompt } from "../reasoning/prompt.ts";
import { anyScriptFor, applyRegexScripts, type RegexCall } from "../regexScripts/run.ts";
import { RegexPlacement } from "../regexScripts/script.ts";
import { firstKeptMessage } from "./budget.ts";
import { DEFAULT_SYSTEM_PROMPT, type InstructSequences } from "./formats.ts";
import { formatExamples, formatQuietReplyStart, formatReplyStart, formatSystemPrompt, formatTurn, stopStrings, type ForceSequence, type Names, type TurnInput } from "./instruct.ts";
import { expandMacros, type MacroEnv } from "./macros.ts";
import { outletTexts } from "./outlets.ts";
import { exampleBlocks, loreAt, renderStoryString, resolveCardPrompt, type RawPart } from "./storyString.ts";
import type { InstructTemplate } from "./templates.ts";
import {
  PromptBudgetError, type BuildPromptInput, type BuiltPrompt, type CharacterNote, type ExtensionPrompt, type GroupPromptContext, type PromptMode, type PromptSection, type SectionKind,
} from "./types.ts";

const DEFAULT_FREE_FRACTION = 0.3;
const DEFAULT_AN_DEPTH = 4;
const stripCR = (s: string) => s.replace(/\r/g, "");

interface Ctx {
  input: BuildPromptInput;
  template: InstructTemplate;
  seq: InstructSequences | null;
  names: Names;
  env: MacroEnv;
  expand: (text: string) => string;
  lore: LoreInsertion[];
  mode: PromptMode;
  /** A background request (the summary's) ends the prompt. */
  quiet: boolean;
  /** Prompt-only regex scripts at a placement; the text as it was when none applies. */
  regex: (text: string, placement: number, depth: number | null) => string;
  /** Set when the continued message's reasoning block is left open. */
  openReasoning?: string;
}

/** One message of SillyTavern's core chat: a chat message or an injection, before formatting. */
interface ChatItem {
  name: string;
  text: string;
  isUser: boolean;
  isNarrator: boolean;
  otherSpeaker: boolean;
  kind: SectionKind;
  label: string;
  /** Index in the chat's visible history; undefined for injections. */
  message?: number;
  /** The chat message's id (for explaining what changed between prompts). */
  messageId?: string;
}

export function buildPrompt(input: BuildPromptInput): BuiltPrompt {
  const ctx = makeContext(input);
  const visible = input.messages.filter((m) => !m.hidden);
  const story = storyParts(ctx);
  const examples = exampleParts(ctx);
  const chat = chatItems(ctx, visible);
  const formatted = formatChat(ctx, chat);
  const tail = ctx.mode === "continue" ? continueTail(ctx, formatted) : { reply: ctx.quiet ? quietReplyStart(ctx) : replyStart(ctx), cached: null as RawPart | null };
  const chatStart = ctx.template.context.chat_start ? [{ kind: "system" as const, label: "chat start", text: stripCR(ctx.expand(`${ctx.template.context.chat_start}\n`)) }] : [];
  const alignment = alignmentPart(ctx);
  const anchors = storyAnchors(ctx);
  if (anchors.before.length || anchors.after.length) story.splice(0, story.length, ...anchors.before, ...story, ...anchors.after);

  const count = (parts: RawPart[]) => parts.reduce((sum, p) => sum + input.countTokens(p.text), 0);
  const budget = input.settings.contextSize - input.settings.responseTokens;
  const tailParts = [tail.reply, tail.cached].filter((p): p is RawPart => p !== null);
  const fixed = count(story) + count(chatStart) + count(tailParts) + (alignment ? input.countTokens(alignment.text) : 0);
  const injected = formatted.items.filter((f) => f.item.message === undefined);
  const dynamic = injected.reduce((n, f) => n + input.countTokens(f.text), 0);
  if (budget <= 0) {
    throw new PromptBudgetError(
      `a context of ${input.settings.contextSize} tokens leaves no room for a ${input.settings.responseTokens}-token reply: use a context larger than the reply length`,
    );
  }
  if (fixed + dynamic > budget) {
    throw new PromptBudgetError(
      `the prompt without history needs ${fixed + dynamic} tokens but only ${budget} fit (context ${input.settings.contextSize} minus ${input.settings.responseTokens} for the reply): ${budgetAdvice(input.settings, fixed + dynamic)}`,
      { tokens: fixed + dynamic, budget },
    );
  }
  const messageItems = formatted.items.filter((f) => f.item.message !== undefined);
  const historyTokens = messageItems.map((f) => input.countTokens(f.text));
  const allHistory = historyTokens.reduce((a, b) => a + b, 0);
  const exampleTokens = count(examples);
  const reserve = insertionReserve(input, budget, dynamic);
  // Like SillyTavern, examples give way to history unless pinned; all or none, so the
  // prompt's start does not change again once the chat outgrows them.
  const keepExamples = input.settings.pinExamples || fixed + reserve + exampleTokens + allHistory <= budget;
  const available = budget - fixed - reserve - (keepExamples ? exampleTokens : 0);
  const freeFraction = input.settings.trimFreeFraction ?? DEFAULT_FREE_FRACTION;
  const previous = input.keptFrom === undefined ? -1 : messageItems.findIndex((f) => f.item.messageId === input.keptFrom);
  let start = firstKeptMessage({ messageTokens: historyTokens, available, freeFraction, ...(previous >= 0 && { previous }) });

  for (;;) {
    const firstKept = messageItems[start]?.item.message ?? Infinity;
    const kept = formatted.items.filter((f) => f.item.message === undefined || f.item.message >= firstKept);
    const sections = assemble(ctx, { story, examples: keepExamples ? examples : [], chatStart, alignment, kept, tail, emptyChat: formatted.items.length === 0 });
    const text = sections.map((s) => s.text).join("");
    const tokens = input.countTokens(text);
    // Tokens at section joins can merge differently: trim one more message if over.
    if (tokens > budget && start < messageItems.length) {
      start++;
      continue;
    }
    return {
      sections,
      text,
      stops: promptStops(ctx, visible),
      tokens,
      budget,
      droppedMessages: visibleDropped(messageItems, start),
      ...(messageItems[start]?.item.messageId !== undefined && { firstKeptMessageId: messageItems[start]!.item.messageId }),
      examplesIncluded: keepExamples && examples.length > 0,
      examplesDropped: !keepExamples && examples.length > 0,
      variables: ctx.env.variables,
      ...(ctx.openReasoning !== undefined && { openReasoning: ctx.openReasoning }),
    };
  }
}

function budgetAdvice(settings: BuildPromptInput["settings"], tokens: number): string {
  const { contextSize, contextLimit, responseTokens } = settings;
  if (contextLimit === undefined) return "use a larger context or shorten the card";
  if (tokens + responseTokens <= contextLimit && contextSize < contextLimit) return `use a larger context (the model allows up to ${contextLimit}) or shorten the card`;
  return `shorten the card, or use a model trained on a larger context (this one allows ${contextLimit})`;
}

function visibleDropped(items: { item: ChatItem }[], start: number): number {
  return items.slice(0, start).filter((f) => f.item.kind === "history").length;
}

/**
 * Room kept for at-depth lore and the author's note. They come and go from turn to
 * turn; if the history's budget followed them, the trimming point would move and the
 * whole prompt would be re-evaluated. So a whole number of steps (10% of the budget
 * each) is reserved whenever lore or a note is in play.
 */
function insertionReserve(input: BuildPromptInput, budget: number, dynamic: number): number {
  if (input.settings.insertionReserve !== undefined) return Math.max(input.settings.insertionReserve, dynamic);
  const inChat = input.extensionPrompts?.some((p) => p.position === "in_chat" && p.text.trim() !== "") ?? false;
  if (dynamic === 0 && input.lore === undefined && input.authorsNote === undefined && !inChat) return 0;
  const step = Math.max(1, Math.round(budget * 0.1));
  return step * Math.max(1, Math.ceil(dynamic / step));
}

function makeContext(input: BuildPromptInput): Ctx {
  const { character, persona } = input;
  const regex = promptRegex(input);
  // Lore content goes in through world-info scripts (at-depth entries with their depth).
  const lore = (input.lore ?? []).map((l) => {
    const content = regex(l.content, RegexPlacement.WORLD_INFO, l.position === "at_depth" ? l.depth : null);
    return content === l.content ? l : { ...l, content };
  });
  const visible = input.messages.filter((m) => !m.hidden);
  const lastUser = [...visible].reverse().find((m) => m.role === "user");
  const lastUserAt = lastUser?.swipes[lastUser.swipeIndex]?.sentAt;
  const joined = input.group?.joined;
  const env: MacroEnv = {
    char: character.name,
    user: persona.name,
    persona: persona.description,
    description: joined?.description ?? character.description,
    personality: joined?.personality ?? character.personality,
    scenario: joined?.scenario ?? character.scenario,
    mesExamples: joined?.mesExamples ?? character.mes_example,
    lastMessage: visible.length ? messageText(visible[visible.length - 1]!) : "",
    lastUserMessageAt: lastUserAt ? new Date(lastUserAt) : undefined,
    now: input.now ?? (() => new Date()),
    timeZone: input.timeZone,
    random: input.random ?? Math.random,
    chatId: input.chatId,
    variables: { ...(input.variables ?? {}) },
    // Outlet lore is placed nowhere else: it is in the prompt only where a macro asks for it.
    outlets: outletTexts(lore),
    ...(input.group && groupMacros(input.group, character.name, persona.name)),
  };
  const template = input.settings.template;
  return {
    input,
    template,
    seq: template.sequences,
    names: { user: persona.name, char: character.name },
    env,
    expand: (text) => expandMacros(text, env),
    lore,
    mode: input.mode ?? "reply",
    quiet: input.quietPrompt !== undefined && input.quietPrompt.trim() !== "" && (input.mode ?? "reply") === "reply",
    regex,
  };
}

/** {{group}}, {{groupNotMuted}} and {{notChar}} in a group chat (SillyTavern's substituteParams). */
function groupMacros(group: GroupPromptContext, char: string, user: string): Pick<MacroEnv, "group" | "groupNotMuted" | "notChar"> {
  return {
    group: group.members.join(", "),
    groupNotMuted: group.unmuted.join(", "),
    notChar: [...group.members.filter((m) => m !== char), user].join(", "),
  };
}

/** The prompt-only scripts as a function of (text, placement, depth); the identity when there are none. */
function promptRegex(input: BuildPromptInput): Ctx["regex"] {
  const run = regexRunner(input);
  return (text, placement, depth) => run(text, placement, { isPrompt: true, depth });
}

export type RegexRunner = (text: string, placement: number, call: RegexCall) => string;

/**
 * The chat's regex scripts as one function, their macros expanded for this character and
 * persona: for the prompt (prompt-only ones), for text being stored (neither flag) and for
 * the display (display-only ones). The identity when no script applies.
 */
export function regexRunner(input: Pick<BuildPromptInput, "character" | "persona" | "chatId" | "variables" | "regex" | "now" | "random" | "timeZone">): RegexRunner {
  const r = input.regex;
  if (!r || r.scripts.length === 0) return (text) => text;
  const env: MacroEnv = {
    char: input.character.name, user: input.persona.name, persona: input.persona.description, description: input.character.description,
    personality: input.character.personality, scenario: input.character.scenario, mesExamples: input.character.mes_example,
    now: input.now ?? (() => new Date()), timeZone: input.timeZone, random: input.random ?? Math.random, chatId: input.chatId,
    // Scripts read variables but never change the chat's.
    variables: { ...(input.variables ?? {}) },
  };
  const ctx = { finder: r.finder, expand: (t: string, char?: string) => expandMacros(t, char === undefined ? env : { ...env, char }), ...(r.report && { report: r.report }) };
  return (text, placement, call) => (anyScriptFor(r.scripts, placement, call) ? applyRegexScripts(r.scripts, text, placement, call, ctx) : text);
}

export function messageText(message: ChatMessage): string {
  return message.swipes[message.swipeIndex]?.text ?? "";
}

/** baseChatReplace: macros expanded, `\r` removed. */
const cardField = (ctx: Ctx, text: string) => stripCR(ctx.expand(text.trim()));

/** The activated lore at a position, each content's macros expanded, joined with newlines as SillyTavern joins them. */
function loreText(ctx: Ctx, position: LoreInsertion["position"]): string {
  return loreAt(ctx.lore, position).map((l) => ctx.expand(l.content)).filter((t) => t !== "").join("\n");
}

/**
 * The system prompt as Generate takes it: the card's when it has one (unless the user
 * prefers theirs), else the user's, else SillyTavern's default; an empty user prompt
 * turns both off. In instruct mode, `{{original}}` is the user's prompt and the
 * template's system prefix and suffix go around it.
 */
function systemPrompt(ctx: Ctx): string {
  const { character } = ctx.input;
  const user = ctx.input.settings.systemPrompt ?? ctx.template.systemPrompt ?? DEFAULT_SYSTEM_PROMPT;
  if (user.trim() === "") return "";
  const preferUser = ctx.input.settings.preferUserPrompts ?? false;
  const card = preferUser ? "" : character.system_prompt.trim();
  const chosen = card ? resolveCardPrompt(card, user, false) : user;
  const text = stripCR(ctx.expand(chosen));
  return ctx.seq ? formatSystemPrompt(ctx.seq, text) : text;
}

function storyParts(ctx: Ctx): RawPart[] {
  const { character, persona } = ctx.input;
  const joined = ctx.input.group?.joined;
  const examples = exampleList(ctx);
  return renderStoryString(ctx.template.context, {
    system: systemPrompt(ctx),
    wiBefore: loreText(ctx, "before_char"),
    wiAfter: loreText(ctx, "after_char"),
    // A group's joined fields are final, as SillyTavern uses them: not trimmed again.
    description: joined ? stripCR(joined.description) : cardField(ctx, character.description),
    personality: joined ? stripCR(joined.personality) : cardField(ctx, character.personality),
    scenario: joined ? stripCR(joined.scenario) : cardField(ctx, character.scenario),
    persona: cardField(ctx, persona.description),
    char: character.name,
    user: persona.name,
    mesExamples: examples.formatted.join(""),
    mesExamplesRaw: examples.raw.join(""),
  }, (t) => stripCR(ctx.expand(t)), !ctx.seq || ctx.seq.wrap);
}

const exampleCache = new WeakMap<Ctx, { raw: string[]; formatted: string[] }>();

/** The example blocks (with lore before and after them), and as instruct turns when a template is on. */
function exampleList(ctx: Ctx): { raw: string[]; formatted: string[] } {
  const hit = exampleCache.get(ctx);
  if (hit) return hit;
  const separator = ctx.template.context.example_separator;
  const heading = separator ? `${ctx.expand(separator)}\n` : ctx.seq ? "<START>\n" : "";
  const joined = ctx.input.group?.joined;
  const blocks = exampleBlocks(joined ? stripCR(joined.mesExamples) : cardField(ctx, ctx.input.character.mes_example), heading);
  // World Info before/after examples become example blocks of their own, as SillyTavern adds them.
  for (const l of loreAt(ctx.lore, "before_examples")) {
    const text = ctx.expand(l.content);
    if (text) blocks.unshift(...exampleBlocks(stripCR(text), heading));
  }
  for (const l of loreAt(ctx.lore, "after_examples")) {
    const text = ctx.expand(l.content);
    if (text) blocks.push(...exampleBlocks(stripCR(text), heading));
  }
  const formatted = ctx.seq ? formatExamples(ctx.seq, ctx.template.context, blocks, ctx.names, ctx.expand, ctx.input.group !== undefined) : blocks;
  const out = { raw: blocks, formatted };
  exampleCache.set(ctx, out);
  return out;
}

function exampleParts(ctx: Ctx): RawPart[] {
  return exampleList(ctx).formatted.map((text, i) => ({ kind: "examples" as const, label: `example item ${i + 1}`, text: stripCR(text) }));
}

/** The history as SillyTavern's core chat, the at-depth injections and the post-history instructions in their places. */
function chatItems(ctx: Ctx, visible: ChatMessage[]): ChatItem[] {
  const { user, char } = ctx.names;
  const open = ctx.mode === "continue";
  const depthOf = (i: number) => visible.length - i - (open ? 2 : 1);
  const texts = withReasoning(ctx, visible, visible.map((m, i) => {
    const placement = m.role === "user" ? RegexPlacement.USER_INPUT : RegexPlacement.AI_OUTPUT;
    return stripCR(ctx.expand(ctx.regex(messageText(m), placement, depthOf(i))));
  }));
  const items: ChatItem[] = visible.map((m, i) => {
    const isUser = m.role === "user";
    const isNarrator = m.role === "system";
    const name = isNarrator ? "" : m.name || (isUser ? user : char);
    // In a group every line but the person's is someone's: "force" names them all (formatInstructModeChat).
    const otherSpeaker = ctx.input.group ? name !== user : name !== user && name !== char;
    return {
      name, text: texts[i]!, isUser, isNarrator, otherSpeaker,
      kind: "history", label: `message ${i + 1} (${m.role}${open && i === visible.length - 1 ? ", continued" : ""})`, message: i, messageId: m.id,
    };
  });
  injectAtDepth(ctx, items, open);
  const jailbreak = postHistory(ctx);
  if (jailbreak) {
    const item: ChatItem = { name: "", text: jailbreak, isUser: true, isNarrator: false, otherSpeaker: false, kind: "post_history", label: "post-history instructions" };
    if (open && items.length) items.splice(items.length - 1, 0, item);
    else items.push(item);
  }
  if (ctx.quiet) {
    const text = stripCR(ctx.expand(ctx.input.quietPrompt!));
    items.push({ name: "", text, isUser: false, isNarrator: true, otherSpeaker: false, kind: "quiet_prompt", label: "summary request" });
  }
  return items;
}

/** Stored reasoning in front of the messages that carry it (PromptReasoning), its scripts applied. */
function withReasoning(ctx: Ctx, visible: ChatMessage[], texts: string[]): string[] {
  const settings = ctx.input.reasoning;
  const open = ctx.mode === "continue";
  if (!settings || (!settings.add_to_prompts && !open)) return texts;
  const reasoningOf = (m: ChatMessage) => m.swipes[m.swipeIndex]?.reasoning?.text ?? "";
  const added = addReasoningToPrompt(texts, (i, depth) => ctx.regex(reasoningOf(visible[i]!), RegexPlacement.REASONING, depth), settings, {
    continuing: open,
    expand: (t) => stripCR(ctx.expand(t)),
  });
  if (added.open !== undefined) ctx.openReasoning = added.open;
  return added.texts;
}

/**
 * Extension blocks before and after the story string (SillyTavern's BEFORE_PROMPT and
 * IN_PROMPT anchors): each place's blocks by key, trimmed, one per line, with a newline
 * around them (the one before the story loses its leading newline).
 */
function storyAnchors(ctx: Ctx): { before: RawPart[]; after: RawPart[] } {
  const at = (position: ExtensionPrompt["position"]) =>
    (ctx.input.extensionPrompts ?? []).filter((p) => p.position === position && p.text.trim() !== "").sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const anchor = (list: ExtensionPrompt[], trimStart: boolean): RawPart[] => {
    if (list.length === 0) return [];
    const joined = stripCR(ctx.expand(`\n${list.map((p) => p.text.trim()).join("\n")}\n`));
    return [{ kind: list[0]!.kind, label: list.map((p) => p.label).join(" + "), text: trimStart ? joined.trimStart() : joined }];
  };
  return { before: anchor(at("before_story"), true), after: anchor(at("after_story"), false) };
}

interface Injection { depth: number; role: PromptRole; key: string; text: string; kind: SectionKind; label: string }

/**
 * doChatInject: at each depth, one message per role (system, user, assistant) joining the
 * prompts there in the order of their names ("2_floating_prompt" the author's note,
 * "DEPTH_PROMPT" the character's note, "customDepthWI-..." lore); the system one ends up
 * closest to the end. On a continue, depth 0 goes before the message being continued.
 */
function injectAtDepth(ctx: Ctx, items: ChatItem[], open: boolean): void {
  const prompts = depthPrompts(ctx);
  if (prompts.length === 0) return;
  const reversed = [...items].reverse();
  let inserted = 0;
  const maxDepth = Math.max(...prompts.map((p) => p.depth));
  for (let depth = 0; depth <= maxDepth; depth++) {
    const here: ChatItem[] = [];
    for (const role of ["system", "user", "assistant"] as const) {
      const parts = prompts.filter((p) => p.depth === depth && p.role === role).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const text = ctx.expand(parts.map((p) => p.text.trim()).join("\n")).trimStart();
      if (!text) continue;
      const kind = parts.find((p) => p.kind === "authors_note") ? "authors_note" : parts.find((p) => p.kind === "memory") ? "memory" : parts[0]!.kind;
      const label = `${parts.map((p) => p.label).join(" + ")} at depth ${depth} (${role})`;
      const name = role === "user" ? ctx.names.user : role === "assistant" ? ctx.names.char : "";
      here.push({ name, text: stripCR(text), isUser: role === "user", isNarrator: role === "system", otherSpeaker: false, kind, label });
    }
    if (here.length === 0) continue;
    const at = (open && depth === 0 ? 1 : depth) + inserted;
    reversed.splice(at, 0, ...here);
    inserted += here.length;
  }
  items.splice(0, items.length, ...reversed.reverse());
}

function depthPrompts(ctx: Ctx): Injection[] {
  const out: Injection[] = [];
  const depthOf = (d: number) => Math.max(0, Math.floor(d));
  const byPlace = new Map<string, LoreInsertion[]>();
  for (const l of loreAt(ctx.lore, "at_depth")) {
    const k = `${depthOf(l.depth)}-${l.role}`;
    byPlace.set(k, [...(byPlace.get(k) ?? []), l]);
  }
  for (const [k, list] of byPlace) {
    const text = list.map((l) => ctx.expand(l.content)).filter((t) => t !== "").join("\n");
    if (text) out.push({ depth: depthOf(list[0]!.depth), role: list[0]!.role, key: `customDepthWI-${k}`, text, kind: "lore", label: "lore" });
  }
  for (const p of ctx.input.extensionPrompts ?? []) {
    if (p.position === "in_chat" && p.text.trim() !== "") out.push({ depth: depthOf(p.depth), role: p.role, key: p.key, text: p.text, kind: p.kind, label: p.label });
  }
  const notes = ctx.input.group?.characterNotes;
  if (notes) out.push(...groupCharacterNotes(ctx, notes));
  else {
    const character = characterNote(ctx);
    if (character) out.push(character);
  }
  const note = authorsNote(ctx);
  if (note) out.push(note);
  return out;
}

/** SillyTavern's "character's note": the card's extensions.depth_prompt {prompt, depth, role}. */
function characterNote(ctx: Ctx): Injection | undefined {
  const raw = ctx.input.character.extensions["depth_prompt"];
  if (!raw || typeof raw !== "object") return undefined;
  const { prompt, depth, role } = raw as Record<string, unknown>;
  const text = typeof prompt === "string" ? ctx.expand(prompt.trim()) : "";
  if (!text.trim()) return undefined;
  const n = typeof depth === "number" ? depth : typeof depth === "string" && depth.trim() !== "" ? Number(depth) : NaN;
  const at = Number.isFinite(n) ? Math.max(0, Math.floor(n)) : DEFAULT_AN_DEPTH;
  const asRole: PromptRole = role === "user" || role === "assistant" ? role : "system";
  return { depth: at, role: asRole, key: "DEPTH_PROMPT", text, kind: "card", label: "character's note" };
}

/** A join-mode group's notes, one prompt each ("DEPTH_PROMPT_0", ...), as Generate sets them. */
function groupCharacterNotes(ctx: Ctx, notes: CharacterNote[]): Injection[] {
  return notes
    .map((n, i): Injection => ({ depth: n.depth, role: n.role, key: `DEPTH_PROMPT_${i}`, text: ctx.expand(n.text), kind: "card", label: "character's note" }))
    .filter((n) => n.text.trim() !== "");
}

/**
 * SillyTavern's interval: every Nth user message, counting hidden ones too; 1 means every
 * generation, even one before the user has spoken (impersonating the first line); 0 never.
 */
function noteIsDue(frequency: number, messages: ChatMessage[]): boolean {
  if (frequency <= 0) return false;
  if (frequency === 1) return true;
  const userTurns = messages.filter((m) => m.role === "user").length;
  return userTurns > 0 && userTurns % frequency === 0;
}

/** The author's note with the lore placed at its top and bottom, joined as SillyTavern joins them. */
function authorsNote(ctx: Ctx): Injection | undefined {
  const note = ctx.input.authorsNote;
  if (!noteIsDue(note?.frequency ?? 1, ctx.input.messages)) return undefined;
  const text = `${loreText(ctx, "an_top")}\n${note?.text ?? ""}\n${loreText(ctx, "an_bottom")}`.replace(/^\n|\n$/g, "");
  if (!text.trim()) return undefined;
  const depth = Math.max(0, Math.floor(note?.depth ?? DEFAULT_AN_DEPTH));
  return { depth, role: note?.role ?? "system", key: "2_floating_prompt", text, kind: "authors_note", label: "author's note" };
}

/**
 * The post-history instructions, as SillyTavern's text-completion prompt takes them: the
 * card's only when the context template allows them (allow_jailbreak) and the user does not
 * prefer theirs; taproom adds the user's own when set. Placed as a user message at the end.
 */
function postHistory(ctx: Ctx): string {
  if (ctx.mode === "impersonate") return "";
  const { character, settings } = ctx.input;
  const user = settings.postHistoryInstructions ?? "";
  const preferUser = settings.preferUserPrompts ?? false;
  const card = ctx.template.context.allow_jailbreak && !preferUser ? character.post_history_instructions.trim() : "";
  const chosen = card ? resolveCardPrompt(card, user, false) : user;
  return stripCR(ctx.expand(chosen)).trim() ? stripCR(ctx.expand(chosen)) : "";
}

interface Formatted { item: ChatItem; text: string }

/**
 * Each item as formatMessageHistoryItem writes it: the oldest with the first sequences,
 * the last user message with the last input sequence, and on a continue the continued
 * message with the last output sequence and without its suffix.
 */
function formatChat(ctx: Ctx, items: ChatItem[]): { items: Formatted[] } {
  const lastUser = items.map((i) => i.isUser).lastIndexOf(true);
  const open = ctx.mode === "continue";
  const out = items.map((item, j): Formatted => {
    let force: ForceSequence;
    if (j === 0 && ctx.seq) force = "first";
    if (j === lastUser && ctx.seq) force = "last";
    if (open && j === items.length - 1 && ctx.seq) force = "last";
    let text = formatItem(ctx, item, force);
    if (open && j === items.length - 1) text = text.slice(0, text.lastIndexOf(item.text) + item.text.length);
    return { item, text };
  });
  return { items: out };
}

function formatItem(ctx: Ctx, item: ChatItem, force: ForceSequence): string {
  if (ctx.seq) return formatTurn(ctx.seq, item as TurnInput, ctx.expand, force);
  const named = item.name && !item.isNarrator && ctx.template.plainNames !== false;
  return named ? `${item.name}: ${item.text}\n` : `${item.text}\n`;
}

/** The user alignment message (Mistral's templates): a first user turn when the chat would start with another speaker. */
function alignmentPart(ctx: Ctx): RawPart | null {
  const message = ctx.seq?.user_alignment_message;
  if (!ctx.seq || !message) return null;
  return { kind: "system", label: "user alignment message", text: formatTurn(ctx.seq, { name: ctx.names.user, text: message, isUser: true, isNarrator: false }, ctx.expand, "first") };
}

/** The reply line of a quiet (background) request: none in plain text. */
function quietReplyStart(ctx: Ctx): RawPart | null {
  return ctx.seq ? { kind: "reply_prefix", label: "reply prefix", text: formatQuietReplyStart(ctx.seq, ctx.expand) } : null;
}

/** modifyLastPromptLine: the line the reply starts after. */
function replyStart(ctx: Ctx): RawPart | null {
  const { user, char } = ctx.names;
  const impersonate = ctx.mode === "impersonate";
  if (ctx.seq) return { kind: "reply_prefix", label: "reply prefix", text: formatReplyStart(ctx.seq, impersonate ? user : char, impersonate, ctx.expand, ctx.input.group !== undefined) };
  return { kind: "reply_prefix", label: "reply prefix", text: ctx.template.plainNames === false ? "" : `${impersonate ? user : char}:` };
}

/**
 * On a continue, the message being continued goes last, as it was, and the reply goes
 * on from it. Without instruct mode SillyTavern cuts its `Name:` and starts the line anew.
 */
function continueTail(ctx: Ctx, formatted: { items: Formatted[] }): { reply: RawPart | null; cached: RawPart | null } {
  const last = formatted.items.pop();
  if (!last) return { reply: replyStart(ctx), cached: null };
  const label = last.item.label;
  const id = last.item.messageId !== undefined ? { messageId: last.item.messageId } : {};
  // Continuing the only message: it stays in the history, with nothing after it.
  if (formatted.items.length === 0) {
    formatted.items.push(last);
    return { reply: null, cached: null };
  }
  if (ctx.seq) return { reply: null, cached: { kind: "history", label, text: last.text, ...id } };
  let text = last.text;
  const char = ctx.names.char;
  if (text.trimStart().startsWith(`${char}:`)) text = text.replace(`${char}:`, "").trimStart();
  if (!/^\s/.test(text)) text = ` ${text}`;
  // SillyTavern names the reply unless the message continued is the user's or the chat's only one.
  const named = ctx.template.plainNames !== false && !last.item.isUser && ctx.input.messages.length > 1;
  return { reply: { kind: "reply_prefix", label: "reply prefix", text: named ? `${char}:` : "" }, cached: { kind: "history", label, text, ...id } };
}

interface AssembleInput {
  story: RawPart[];
  examples: RawPart[];
  chatStart: RawPart[];
  alignment: RawPart | null;
  kept: Formatted[];
  tail: { reply: RawPart | null; cached: RawPart | null };
  emptyChat: boolean;
}

/**
 * The prompt in SillyTavern's order. The last chat item loses one trailing newline (unless
 * continuing, or an instruct template that does not wrap); the reply's line goes after it
 * on a line of its own when there are no instruct sequences.
 */
function assemble(ctx: Ctx, a: AssembleInput): PromptSection[] {
  const chat: RawPart[] = a.kept.map((f) => ({ kind: f.item.kind, label: f.item.label, text: stripCR(f.text), ...(f.item.messageId !== undefined && { messageId: f.item.messageId }) }));
  const continuing = ctx.mode === "continue";
  // SillyTavern adds the alignment message unless the oldest message it kept is the user's.
  const oldest = a.kept[0]?.item;
  const alignment = a.alignment && !oldest?.isUser ? [a.alignment] : [];
  const last = chat[chat.length - 1];
  // A quiet request in instruct mode keeps the newline: its reply line follows at once.
  if (last && !continuing && (!ctx.seq || (ctx.seq.wrap && !ctx.quiet))) last.text = last.text.replace(/\n?$/, "");
  const tail: RawPart[] = [];
  const reply = a.tail.reply;
  if (reply) {
    const before = last?.text ?? "";
    const needsLine = !ctx.seq && !before.endsWith("\n") && !(continuing && a.emptyChat);
    tail.push(needsLine ? { ...reply, text: `\n${reply.text}` } : reply);
  }
  if (a.tail.cached) tail.push(a.tail.cached);
  const parts = [...a.story, ...a.examples, ...a.chatStart, ...alignment, ...chat, ...tail].filter((p) => p.text !== "");
  return parts.map((p) => ({ ...p, tokens: ctx.input.countTokens(p.text) }));
}

function promptStops(ctx: Ctx, visible: ChatMessage[]): string[] {
  const continueOnUser = ctx.mode === "continue" && visible[visible.length - 1]?.role === "user";
  const stops = stopStrings(ctx.seq, ctx.template.context, ctx.names, ctx.expand, {
    impersonate: ctx.mode === "impersonate", continueOnUser, names: ctx.template.plainNames !== false,
    ...(ctx.input.group && { otherMembers: ctx.input.group.members }),
  });
  return [...new Set([...stops, ...(ctx.template.extraStops ?? [])])];
}
