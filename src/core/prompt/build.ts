/**
 * Assembles the text-completion prompt: story string, examples, history with the
 * author's note and at-depth lore, post-history instructions and the reply prefix,
 * wrapped in an instruct template and fitted to the token budget.
 */
import type { ChatMessage } from "../chat/types.ts";
import type { LoreInsertion, PromptRole } from "../lorebook/insertion.ts";
import { firstKeptMessage } from "./budget.ts";
import { expandMacros, type MacroEnv } from "./macros.ts";
import { outletTexts } from "./outlets.ts";
import {
  exampleTurns,
  joinLore,
  loreAt,
  resolveCardPrompt,
  splitExamples,
  storyStringParts,
  type RawPart,
} from "./storyString.ts";
import type { InstructTemplate } from "./templates.ts";
import { PromptBudgetError, type BuildPromptInput, type BuiltPrompt, type PromptSection } from "./types.ts";

const DEFAULT_FREE_FRACTION = 0.3;
const DEFAULT_AN_DEPTH = 4;

interface Ctx {
  input: BuildPromptInput;
  template: InstructTemplate;
  env: MacroEnv;
  expand: (text: string) => string;
  lore: LoreInsertion[];
}

export function buildPrompt(input: BuildPromptInput): BuiltPrompt {
  const ctx = makeContext(input);
  const mode = input.mode ?? "reply";
  const visible = input.messages.filter((m) => !m.hidden);
  const open = mode === "continue" ? visible[visible.length - 1] : undefined;
  const closed = open ? visible.slice(0, -1) : visible;

  const story = storyBlock(ctx);
  const examples = examplesBlock(ctx);
  const chatStart: RawPart[] = ctx.template.instruct ? [] : [{ kind: "system", label: "chat start", text: "***\n" }];
  const history = closed.map((m, i) => messagePart(ctx, m, i));
  const depthItems = depthInsertions(ctx, visible);
  const tail = tailParts(ctx, mode, open, closed.length);

  const count = (parts: RawPart[]) => parts.reduce((sum, p) => sum + input.countTokens(p.text), 0);
  const budget = input.settings.contextSize - input.settings.responseTokens;
  const fixed = count(story) + count(chatStart) + count(tail);
  const dynamic = count(depthItems.flatMap((d) => d.parts));
  const exampleTokens = count(examples);
  const historyTokens = history.map((p) => input.countTokens(p.text));
  const allHistory = historyTokens.reduce((a, b) => a + b, 0);
  if (fixed + dynamic > budget) {
    throw new PromptBudgetError(
      `the prompt without history needs ${fixed + dynamic} tokens but only ${budget} fit (context ${input.settings.contextSize} minus ${input.settings.responseTokens} for the reply): use a larger context or shorten the card`,
    );
  }
  const reserve = insertionReserve(input, budget, dynamic);
  // Like SillyTavern, examples give way to history unless pinned; all or none, so the
  // prompt's start does not change again once the chat outgrows them.
  const keepExamples = input.settings.pinExamples || fixed + reserve + exampleTokens + allHistory <= budget;
  const available = budget - fixed - reserve - (keepExamples ? exampleTokens : 0);
  const freeFraction = input.settings.trimFreeFraction ?? DEFAULT_FREE_FRACTION;
  const previous = input.keptFrom === undefined ? -1 : closed.findIndex((m) => m.id === input.keptFrom);
  let start = firstKeptMessage({ messageTokens: historyTokens, available, freeFraction, ...(previous >= 0 && { previous }) });

  for (;;) {
    const sections = assemble(ctx, {
      story,
      examples: keepExamples ? examples : [],
      chatStart,
      history: history.slice(start),
      depthItems,
      tail,
    });
    const text = sections.map((s) => s.text).join("");
    const tokens = input.countTokens(text);
    // Tokens at section joins can merge differently: trim one more message if over.
    if (tokens > budget && start < history.length) {
      start++;
      continue;
    }
    return {
      sections,
      text,
      stops: stopStrings(ctx, mode),
      tokens,
      budget,
      droppedMessages: start,
      ...(closed[start] && { firstKeptMessageId: closed[start]!.id }),
      examplesIncluded: keepExamples && examples.length > 0,
      examplesDropped: !keepExamples && examples.length > 0,
      variables: ctx.env.variables,
    };
  }
}

/**
 * Room kept for at-depth lore and the author's note. They come and go from turn to
 * turn; if the history's budget followed them, the trimming point would move and the
 * whole prompt would be re-evaluated. So a whole number of steps (10% of the budget
 * each) is reserved whenever lore or a note is in play.
 */
function insertionReserve(input: BuildPromptInput, budget: number, dynamic: number): number {
  if (input.settings.insertionReserve !== undefined) return Math.max(input.settings.insertionReserve, dynamic);
  if (dynamic === 0 && input.lore === undefined && input.authorsNote === undefined) return 0;
  const step = Math.max(1, Math.round(budget * 0.1));
  return step * Math.max(1, Math.ceil(dynamic / step));
}

function makeContext(input: BuildPromptInput): Ctx {
  const { character, persona } = input;
  const visible = input.messages.filter((m) => !m.hidden);
  const lastUser = [...visible].reverse().find((m) => m.role === "user");
  const lastUserAt = lastUser?.swipes[lastUser.swipeIndex]?.sentAt;
  const env: MacroEnv = {
    char: character.name,
    user: persona.name,
    persona: persona.description,
    description: character.description,
    personality: character.personality,
    scenario: character.scenario,
    mesExamples: character.mes_example,
    lastMessage: visible.length ? messageText(visible[visible.length - 1]!) : "",
    lastUserMessageAt: lastUserAt ? new Date(lastUserAt) : undefined,
    now: input.now ?? (() => new Date()),
    timeZone: input.timeZone,
    random: input.random ?? Math.random,
    chatId: input.chatId,
    variables: { ...(input.variables ?? {}) },
    // Outlet lore is placed nowhere else: it is in the prompt only where a macro asks for it.
    outlets: outletTexts(input.lore ?? []),
  };
  return {
    input,
    template: input.settings.template,
    env,
    expand: (text) => expandMacros(text, env),
    lore: input.lore ?? [],
  };
}

export function messageText(message: ChatMessage): string {
  return message.swipes[message.swipeIndex]?.text ?? "";
}

function turn(template: InstructTemplate, role: PromptRole, text: string, name?: string): string {
  const format = template[role];
  const named = template.names && name ? `${name}: ${text}` : text;
  return `${format.prefix}${named}${format.suffix}`;
}

function storyBlock(ctx: Ctx): RawPart[] {
  const { input, template } = ctx;
  const systemPrompt = resolveCardPrompt(
    input.character.system_prompt,
    input.settings.systemPrompt ?? "",
    input.settings.preferUserPrompts ?? false,
  );
  const parts = storyStringParts({
    character: input.character,
    personaDescription: input.persona.description,
    systemPrompt,
    lore: ctx.lore,
    expand: ctx.expand,
  });
  if (parts.length === 0) return [];
  const wrapped = parts.map((p, i) => ({ ...p, text: i < parts.length - 1 ? `${p.text}\n` : p.text }));
  wrapped[0]!.text = template.system.prefix + wrapped[0]!.text;
  wrapped[wrapped.length - 1]!.text += template.system.suffix;
  return wrapped;
}

function examplesBlock(ctx: Ctx): RawPart[] {
  const { template, env } = ctx;
  const loreBefore = ctx.expand(joinLore(loreAt(ctx.lore, "before_examples")));
  const loreAfter = ctx.expand(joinLore(loreAt(ctx.lore, "after_examples")));
  const blocks = splitExamples(ctx.input.character.mes_example).map((b) => ctx.expand(b));
  const parts: RawPart[] = [];
  if (loreBefore) parts.push({ kind: "lore", label: "lore before examples", text: turn(template, "system", loreBefore) });
  blocks.forEach((block, i) => {
    const text = template.instruct
      ? exampleTurns(block, env.user, env.char)
          .map((t) => turn(template, t.speaker === "user" ? "user" : t.speaker === "char" ? "assistant" : "system", template.names ? t.text : stripName(t.text, env)))
          .join("")
      : `***\n${block}\n`;
    parts.push({ kind: "examples", label: `example ${i + 1}`, text });
  });
  if (loreAfter) parts.push({ kind: "lore", label: "lore after examples", text: turn(template, "system", loreAfter) });
  return parts;
}

function stripName(text: string, env: MacroEnv): string {
  for (const name of [env.user, env.char]) {
    if (text.startsWith(`${name}:`)) return text.slice(name.length + 1).trimStart();
  }
  return text;
}

function messagePart(ctx: Ctx, message: ChatMessage, index: number): RawPart {
  const role = message.role;
  const name = role === "system" ? undefined : message.name || (role === "user" ? ctx.env.user : ctx.env.char);
  return {
    kind: "history",
    label: `message ${index + 1} (${role})`,
    text: turn(ctx.template, role, ctx.expand(messageText(message)), name),
    messageId: message.id,
  };
}

interface DepthItem {
  depth: number;
  parts: RawPart[];
}

/** At-depth lore (one turn per role, in insertion order) and the author's note. */
function depthInsertions(ctx: Ctx, visible: ChatMessage[]): DepthItem[] {
  const items: DepthItem[] = [];
  const depthLore = loreAt(ctx.lore, "at_depth");
  const depths = [...new Set(depthLore.map((l) => Math.max(0, Math.floor(l.depth))))].sort((a, b) => b - a);
  for (const depth of depths) {
    const atDepth = depthLore.filter((l) => Math.max(0, Math.floor(l.depth)) === depth);
    const parts: RawPart[] = [];
    for (const role of ["system", "user", "assistant"] as const) {
      const text = ctx.expand(joinLore(atDepth.filter((l) => l.role === role)));
      if (text) parts.push({ kind: "lore", label: `lore at depth ${depth} (${role})`, text: turn(ctx.template, role, text) });
    }
    items.push({ depth, parts });
  }
  const characterNote = characterNotePart(ctx);
  if (characterNote) items.push(characterNote);
  const note = authorsNotePart(ctx);
  if (note) items.push(note);
  return items;
}

/** SillyTavern's "character's note": the card's extensions.depth_prompt {prompt, depth, role}. */
function characterNotePart(ctx: Ctx): DepthItem | undefined {
  const raw = ctx.input.character.extensions["depth_prompt"];
  if (!raw || typeof raw !== "object") return undefined;
  const { prompt, depth, role } = raw as Record<string, unknown>;
  const text = typeof prompt === "string" ? ctx.expand(prompt) : "";
  if (!text.trim()) return undefined;
  const at = typeof depth === "number" && Number.isFinite(depth) ? Math.max(0, Math.floor(depth)) : DEFAULT_AN_DEPTH;
  const asRole: PromptRole = role === "user" || role === "assistant" ? role : "system";
  return { depth: at, parts: [{ kind: "card", label: `character's note at depth ${at}`, text: turn(ctx.template, asRole, text) }] };
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

function authorsNotePart(ctx: Ctx): DepthItem | undefined {
  const note = ctx.input.authorsNote;
  if (!noteIsDue(note?.frequency ?? 1, ctx.input.messages)) return undefined;
  const text = [
    joinLore(loreAt(ctx.lore, "an_top")),
    note?.text ?? "",
    joinLore(loreAt(ctx.lore, "an_bottom")),
  ]
    .filter((t) => t.trim() !== "")
    .join("\n");
  const expanded = ctx.expand(text);
  if (!expanded.trim()) return undefined;
  const depth = Math.max(0, Math.floor(note?.depth ?? DEFAULT_AN_DEPTH));
  const role = note?.role ?? "system";
  return { depth, parts: [{ kind: "authors_note", label: `author's note at depth ${depth}`, text: turn(ctx.template, role, expanded) }] };
}

function tailParts(ctx: Ctx, mode: string, open: ChatMessage | undefined, closedCount: number): RawPart[] {
  const { template, env, input } = ctx;
  const parts: RawPart[] = [];
  if (mode !== "impersonate") {
    const phi = ctx.expand(
      resolveCardPrompt(
        input.character.post_history_instructions,
        input.settings.postHistoryInstructions ?? "",
        input.settings.preferUserPrompts ?? false,
      ),
    );
    if (phi.trim()) parts.push({ kind: "post_history", label: "post-history instructions", text: turn(template, "system", phi) });
  }
  if (open) {
    const name = open.name || env.char;
    const role = open.role === "user" ? "user" : "assistant";
    const text = ctx.expand(messageText(open));
    const prefix = template[role].prefix + (template.names ? `${name}: ` : "");
    parts.push({ kind: "history", label: `message ${closedCount + 1} (${open.role}, continued)`, text: prefix + text, messageId: open.id });
    return parts;
  }
  const role = mode === "impersonate" ? "user" : "assistant";
  const name = mode === "impersonate" ? env.user : env.char;
  const prefix = template[role].prefix + (template.names ? `${name}:` : "");
  if (prefix) parts.push({ kind: "reply_prefix", label: "reply prefix", text: prefix });
  return parts;
}

interface AssembleInput {
  story: RawPart[];
  examples: RawPart[];
  chatStart: RawPart[];
  history: RawPart[];
  depthItems: DepthItem[];
  tail: RawPart[];
}

function assemble(ctx: Ctx, a: AssembleInput): PromptSection[] {
  const n = a.history.length;
  const at = (position: number) =>
    a.depthItems.filter((d) => Math.max(0, n - Math.min(d.depth, n)) === position).flatMap((d) => d.parts);
  const body: RawPart[] = [];
  for (let i = 0; i <= n; i++) {
    body.push(...at(i));
    const message = a.history[i];
    if (message) body.push(message);
  }
  const parts = [...a.story, ...a.examples, ...a.chatStart, ...body, ...a.tail];
  return parts.map((p) => ({ ...p, tokens: ctx.input.countTokens(p.text) }));
}

function stopStrings(ctx: Ctx, mode: string): string[] {
  const { template, env } = ctx;
  const other = mode === "impersonate" ? env.char : env.user;
  const stops = [...template.stops];
  if (template.names) stops.push(`\n${other}:`);
  if (!template.instruct) stops.push(`\n***`);
  if (mode === "impersonate" && template.assistant.prefix.trim()) stops.push(template.assistant.prefix.trim());
  return [...new Set(stops)];
}
