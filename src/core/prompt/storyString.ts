/**
 * The story string (SillyTavern's context template rendered with the card) and the
 * example blocks, as public/script.js and power-user.js build them.
 */
import type { LoreInsertion, LorePosition } from "../lorebook/insertion.ts";
import type { ContextTemplate } from "./formats.ts";
import { renderTemplate } from "./handlebars.ts";
import type { SectionKind } from "./types.ts";

export interface RawPart {
  kind: SectionKind;
  label: string;
  text: string;
  /** The chat message a history part shows. */
  messageId?: string;
}

/**
 * Lore at one position by ascending order; equal orders keep the order activation gave them
 * (SillyTavern's: the later activated first).
 */
export function loreAt(lore: LoreInsertion[], position: LorePosition): LoreInsertion[] {
  return lore.filter((l) => l.position === position).sort((a, b) => a.order - b.order);
}

/**
 * The card's prompt wins unless the user prefers theirs. In the card's, `{{original}}` is
 * the user's prompt, once (SillyTavern replaces the first and empties the others).
 */
export function resolveCardPrompt(cardPrompt: string, userPrompt: string, preferUser: boolean): string {
  if (preferUser || cardPrompt.trim() === "") return userPrompt;
  let used = false;
  return cardPrompt.replace(/\{\{original\}\}/gi, () => (used ? "" : ((used = true), userPrompt)));
}

/**
 * parseMesExamples: `mes_example` split on `<START>`, each block trimmed, headed by the
 * context's example separator (or `<START>` in instruct mode when there is none).
 */
export function exampleBlocks(mesExamples: string, heading: string): string[] {
  if (mesExamples.length === 0 || mesExamples === "<START>") return [];
  const text = mesExamples.startsWith("<START>") ? mesExamples : `<START>\n${mesExamples.trim()}`;
  return text.split(/<START>/gi).slice(1).map((block) => `${heading}${block.trim()}\n`);
}

export interface StoryValues {
  system: string;
  wiBefore: string;
  description: string;
  personality: string;
  scenario: string;
  wiAfter: string;
  persona: string;
  char: string;
  user: string;
  mesExamples: string;
  mesExamplesRaw: string;
}

const LABELS: [keyof StoryValues, SectionKind, string][] = [
  ["system", "system", "system prompt"],
  ["wiBefore", "lore", "lore before character"],
  ["description", "card", "description"],
  ["personality", "card", "personality"],
  ["scenario", "card", "scenario"],
  ["wiAfter", "lore", "lore after character"],
  ["persona", "card", "persona"],
  ["mesExamples", "examples", "examples in the story string"],
];

/**
 * renderStoryString: the template with the values, macros expanded, leading newlines cut,
 * and a newline added when it has none (unless an instruct template that does not wrap).
 * Split into sections where each value starts, for the prompt inspector; the sections
 * join to exactly the rendered text.
 */
export function renderStoryString(context: ContextTemplate, values: StoryValues, expand: (s: string) => string, addNewline: boolean): RawPart[] {
  const params: Record<string, string> = { ...values, loreBefore: values.wiBefore, loreAfter: values.wiAfter };
  let text = expand(renderTemplate(context.story_string, params)).replace(/^\n+/, "");
  if (text.length > 0 && !text.endsWith("\n") && addNewline) text += "\n";
  if (text === "") return [];
  const cuts: { at: number; kind: SectionKind; label: string }[] = [];
  let from = 0;
  for (const [key, kind, label] of LABELS) {
    const value = values[key];
    if (!value) continue;
    const at = text.indexOf(value, from);
    if (at < 0) continue;
    // The previous section keeps its line's end; a label before this value ("Scenario: ") comes with it.
    const lineEnd = text.indexOf("\n", from);
    cuts.push({ at: cuts.length && lineEnd >= 0 && lineEnd < at ? lineEnd + 1 : at, kind, label });
    from = at + value.length;
  }
  if (cuts.length === 0) return [{ kind: "system", label: "story string", text }];
  cuts[0]!.at = 0;
  return cuts.map((c, i) => ({ kind: c.kind, label: c.label, text: text.slice(c.at, cuts[i + 1]?.at ?? text.length) }));
}
