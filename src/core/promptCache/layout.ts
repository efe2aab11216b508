/**
 * What a prompt was made of, kept beside its tokens in the KV cache (and in a saved
 * state), so the next turn can say why it had to evaluate part of the prompt again.
 */
import type { ChatMessage } from "../chat/types.ts";
import type { LoreInsertion } from "../lorebook/insertion.ts";
import type { BuiltPrompt, SectionKind } from "../prompt/types.ts";

export interface LayoutSection {
  kind: SectionKind;
  label: string;
  /** Character offsets in the prompt text; end exclusive. */
  start: number;
  end: number;
  messageId?: string;
  /** Macros in the message's own text whose value changes from turn to turn. */
  volatile?: string[];
}

export interface LayoutLore {
  id: string;
  title: string;
  /** Where it went, in words ("before the character", "at depth 4"). */
  where: string;
}

export interface PromptLayout {
  /** Instruct template name, with the names choice: "chatml", "chatml (no names)". */
  template: string;
  sections: LayoutSection[];
  lore: LayoutLore[];
  /** Macros in the card, persona, prompts, note and lore whose value changes from turn to turn. */
  volatile: string[];
  /** Length of the prompt text; what the cache holds past it is the reply. */
  length: number;
  /** The example messages (and the lore placed with them) gave way to the history. */
  examplesDropped?: boolean;
}

const VOLATILE = /\{\{\s*(random|roll|time|time_utc[^}]*|date|weekday|isotime|isodate|datetimeformat[^}]*|idle_duration|lastmessage|lastmessageid|lastusermessage|lastcharmessage|getvar|setvar|addvar|incvar|decvar|outlet)\b/gi;

/** The macros in a text whose expansion can differ between two turns, e.g. ["{{random}}"]. */
export function volatileMacros(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(VOLATILE)) found.add(`{{${m[1]!.toLowerCase().split(/[:\s]/)[0]}}}`);
  return [...found];
}

export interface LayoutInput {
  prompt: BuiltPrompt;
  template: string;
  messages: readonly ChatMessage[];
  lore?: readonly LoreInsertion[];
  /** Entry id -> the title a person knows it by. */
  loreTitles?: ReadonlyMap<string, string> | Record<string, string>;
  /** Texts the prompt is expanded from besides the messages: card fields, persona, prompts, note. */
  sources?: readonly string[];
}

function where(i: LoreInsertion): string {
  if (i.position === "at_depth") return `at depth ${i.depth}`;
  return i.position.replace(/_/g, " ").replace(/^an /, "author's note ").replace(/char$/, "character");
}

export function promptLayout(input: LayoutInput): PromptLayout {
  const byId = new Map(input.messages.map((m) => [m.id, m]));
  const titles = input.loreTitles instanceof Map ? input.loreTitles : new Map(Object.entries(input.loreTitles ?? {}));
  let at = 0;
  const sections = input.prompt.sections.map((s): LayoutSection => {
    const start = at;
    at += s.text.length;
    const message = s.messageId ? byId.get(s.messageId) : undefined;
    const volatile = message ? volatileMacros(message.swipes[message.swipeIndex]?.text ?? "") : [];
    return { kind: s.kind, label: s.label, start, end: at, ...(s.messageId && { messageId: s.messageId }), ...(volatile.length && { volatile }) };
  });
  const placed = (input.lore ?? []).filter((i) => inPrompt(i, input.prompt));
  const lore = placed.map((i) => ({ id: i.entryId, title: titles.get(i.entryId) ?? i.entryId, where: where(i) }));
  const volatile = [...new Set([...(input.sources ?? []), ...placed.map((l) => l.content)].flatMap(volatileMacros))];
  return { template: input.template, sections, lore, volatile, length: at, ...(input.prompt.examplesDropped && { examplesDropped: true }) };
}

/**
 * Whether an activated entry is in the prompt's text: lore before and after the examples
 * goes with them when they give way to the history, and lore at the author's note's top
 * and bottom only comes with the note (not on a turn its interval skips).
 */
function inPrompt(i: LoreInsertion, prompt: BuiltPrompt): boolean {
  if (i.position === "before_examples" || i.position === "after_examples") return !prompt.examplesDropped;
  if (i.position === "an_top" || i.position === "an_bottom") return prompt.sections.some((s) => s.kind === "authors_note");
  return true;
}

/**
 * Where lore in a section can have come from, as LayoutLore.where says it: the story
 * string's "lore before character", the example blocks (lore before and after the
 * examples is an example block of its own), and the injections at a depth, which join
 * the lore, the author's note (with the lore at its top and bottom) and the character's
 * note placed there ("author's note + lore at depth 4 (system)").
 */
export function lorePositions(section: LayoutSection): string[] {
  if (section.kind === "examples") return ["before examples", "after examples"];
  const depth = /at depth (\d+)/.exec(section.label);
  if (depth) {
    const out = /\blore\b/.test(section.label) ? [`at depth ${depth[1]}`] : [];
    if (section.kind === "authors_note") out.push("author's note top", "author's note bottom");
    return out;
  }
  const story = /^lore (.+)$/.exec(section.label);
  return section.kind === "lore" && story ? [story[1]!] : [];
}

/** A section's label without the role its text was sent as: "author's note at depth 2". */
export function placeOf(section: LayoutSection): string {
  return section.label.replace(/ \((system|user|assistant)\)$/, "");
}

/** The section holding a character offset (the last one for offsets at or past the end). */
export function sectionAt(layout: PromptLayout, offset: number): LayoutSection | undefined {
  for (const s of layout.sections) if (offset < s.end) return s;
  return undefined;
}
