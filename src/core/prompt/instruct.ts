/**
 * Instruct-mode formatting as SillyTavern's public/scripts/instruct-mode.js does it: one
 * chat turn, the system prompt, the example dialogue, the line the reply starts after,
 * and the stop strings. Pure: macros come in as a function.
 */
import type { ContextTemplate, InstructSequences } from "./formats.ts";

export interface Names {
  user: string;
  char: string;
}

/** Expands macros ({{char}}, {{user}}, ...) the way the prompt does. */
export type Expand = (text: string) => string;

/** Which of the first/last sequences a turn takes instead of the plain one. */
export type ForceSequence = "first" | "last" | undefined;

export interface TurnInput {
  /** The speaker's name as the message carries it; "" for none. */
  name: string;
  text: string;
  isUser: boolean;
  /** A system (narrator) turn: the system sequence, never a name. */
  isNarrator: boolean;
  /** Someone other than the user and the chat's character (a group member): "force" names them. */
  otherSpeaker?: boolean;
}

const NAME_MACRO = /\{\{name\}\}/gi;

function prefixOf(t: InstructSequences, turn: TurnInput, force: ForceSequence): string {
  if (turn.isNarrator) return t.system_same_as_user ? t.input_sequence : t.system_sequence;
  if (turn.isUser) {
    if (force === "first") return t.first_input_sequence || t.input_sequence;
    if (force === "last") return t.last_input_sequence || t.input_sequence;
    return t.input_sequence;
  }
  if (force === "first") return t.first_output_sequence || t.output_sequence;
  if (force === "last") return t.last_output_sequence || t.output_sequence;
  return t.output_sequence;
}

function suffixOf(t: InstructSequences, turn: TurnInput): string {
  if (turn.isNarrator) return t.system_same_as_user ? t.input_suffix : t.system_suffix;
  return turn.isUser ? t.input_suffix : t.output_suffix;
}

/** formatInstructModeChat: one turn, with its sequence, optional name and suffix. */
export function formatTurn(t: InstructSequences, turn: TurnInput, expand: Expand, force?: ForceSequence): string {
  let includeNames = turn.isNarrator ? false : t.names_behavior === "always";
  if (!turn.isNarrator && t.names_behavior === "force" && turn.otherSpeaker) includeNames = true;
  let prefix = prefixOf(t, turn, force) || "";
  let suffix = suffixOf(t, turn) || "";
  if (t.macro) {
    prefix = expand(prefix).replace(NAME_MACRO, turn.name || "System");
    suffix = expand(suffix).replace(NAME_MACRO, turn.name || "System");
  }
  if (!suffix && t.wrap) suffix = "\n";
  const separator = t.wrap ? "\n" : "";
  const body = includeNames && turn.name ? `${turn.name}: ${turn.text}` : turn.text;
  return [prefix, body + suffix].filter((x) => x).join(separator);
}

/** formatInstructModeSystemPrompt: the system prompt between the template's system prefix and suffix. */
export function formatSystemPrompt(t: InstructSequences, prompt: string): string {
  const separator = t.wrap ? "\n" : "";
  let out = prompt;
  if (t.system_sequence_prefix) out = t.system_sequence_prefix.replace(NAME_MACRO, "System") + separator + out;
  if (t.system_sequence_suffix) out = out + separator + t.system_sequence_suffix;
  return out;
}

/**
 * SillyTavern's parseExampleIntoIndividual: the block's first line is its heading; then a
 * line starting `User:` or `Char:` starts that speaker's turn, and the name is cut from it.
 */
export function splitExampleTurns(block: string, names: Names): { isUser: boolean; content: string }[] {
  const lines = block.split("\n");
  const out: { isUser: boolean; content: string }[] = [];
  let current: string[] = [];
  let inUser = false;
  let inBot = false;
  const add = (isUser: boolean) => {
    const name = isUser ? names.user : names.char;
    out.push({ isUser, content: current.join("\n").replace(`${name}:`, "").trim() });
    current = [];
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(`${names.user}:`)) {
      inUser = true;
      if (inBot) add(false);
      inBot = false;
    } else if (line.startsWith(`${names.char}:`)) {
      inBot = true;
      if (inUser) add(true);
      inUser = false;
    }
    current.push(line);
  }
  if (inUser) add(true);
  else if (inBot) add(false);
  return out;
}

/**
 * formatInstructModeExamples: each example block as instruct turns, each item (a block's
 * separator line, a turn) an element; blocks without a dialogue are left out.
 */
export function formatExamples(t: InstructSequences, context: ContextTemplate, blocks: string[], names: Names, expand: Expand, group = false): string[] {
  const blockHeading = context.example_separator ? `${expand(context.example_separator)}\n` : "";
  if (t.skip_examples) return blocks.map((b) => b.replace(/<START>\n/i, blockHeading));
  // In a group, "always" and "force" name every example turn once: SillyTavern 2024 named them
  // twice there ("Sam: Sam: Hi", parseExampleIntoIndividual and this both adding the name);
  // its later code names them once, as here.
  const includeNames = t.names_behavior === "always" || (group && t.names_behavior === "force");
  let inputPrefix = t.input_sequence || "";
  let outputPrefix = t.output_sequence || "";
  let inputSuffix = t.input_suffix || "";
  let outputSuffix = t.output_suffix || "";
  if (t.macro) {
    inputPrefix = expand(inputPrefix).replace(NAME_MACRO, names.user);
    outputPrefix = expand(outputPrefix).replace(NAME_MACRO, names.char);
    inputSuffix = expand(inputSuffix).replace(NAME_MACRO, names.user);
    outputSuffix = expand(outputSuffix).replace(NAME_MACRO, names.char);
    if (!inputSuffix && t.wrap) inputSuffix = "\n";
    if (!outputSuffix && t.wrap) outputSuffix = "\n";
  }
  const separator = t.wrap ? "\n" : "";
  const out: string[] = [];
  for (const item of blocks) {
    const cleaned = item.replace(/<START>/i, "{Example Dialogue:}").replace(/\r/g, "");
    const turns = splitExampleTurns(cleaned, names);
    if (turns.length === 0) continue;
    if (blockHeading) out.push(blockHeading);
    for (const turn of turns) {
      // "force" names the user's lines in examples (SillyTavern's placeholder for group members).
      const named = includeNames || (t.names_behavior === "force" && turn.isUser);
      const name = turn.isUser ? names.user : names.char;
      const content = named ? `${name}: ${turn.content}` : turn.content;
      out.push([turn.isUser ? inputPrefix : outputPrefix, content + (turn.isUser ? inputSuffix : outputSuffix)].filter((x) => x).join(separator));
    }
  }
  if (out.length === 0) return blocks.map((b) => b.replace(/<START>\n/i, blockHeading));
  return out;
}

/** formatInstructModePrompt: the line the reply (or the impersonated user line) is written after; "force" names it in a group. */
export function formatReplyStart(t: InstructSequences, name: string, impersonate: boolean, expand: Expand, group = false): string {
  const includeNames = name !== "" && (t.names_behavior === "always" || (group && t.names_behavior === "force"));
  let sequence = (impersonate ? t.input_sequence : t.last_output_sequence || t.output_sequence) || "";
  let nameFiller = "";
  // SillyTavern's fix for Mistral: an output sequence ending in a space keeps it before the name.
  if (includeNames && t.last_output_sequence && t.output_sequence && sequence === t.last_output_sequence
    && /\s$/.test(t.output_sequence) && !/\s$/.test(t.last_output_sequence)) {
    nameFiller = t.output_sequence.slice(-1);
  }
  if (t.macro) sequence = expand(sequence).replace(NAME_MACRO, name || "System");
  const separator = t.wrap ? "\n" : "";
  const text = includeNames ? separator + sequence + separator + nameFiller + `${name}:` : separator + sequence;
  return (t.wrap ? text.trimEnd() : text) + (includeNames ? "" : separator);
}

/**
 * formatInstructModePrompt for a quiet (background) request: the last system sequence (else
 * the output sequence) for "System", without a name and without the blank line before it.
 */
export function formatQuietReplyStart(t: InstructSequences, expand: Expand): string {
  let sequence = t.last_system_sequence || t.output_sequence || "";
  if (t.macro) sequence = expand(sequence).replace(NAME_MACRO, "System");
  const separator = t.wrap ? "\n" : "";
  return (t.wrap ? sequence.trimEnd() : sequence) + separator;
}

/** getInstructStoppingSequences: each sequence line, after a newline when the template wraps. */
function instructStops(t: InstructSequences, names: Names, expand: Expand): string[] {
  const out: string[] = [];
  const lines = [
    t.stop_sequence || "",
    t.input_sequence.replace(NAME_MACRO, names.user),
    t.output_sequence.replace(NAME_MACRO, names.char),
    t.first_output_sequence.replace(NAME_MACRO, names.char),
    t.last_output_sequence.replace(NAME_MACRO, names.char),
    t.system_sequence.replace(NAME_MACRO, "System"),
    t.last_system_sequence.replace(NAME_MACRO, "System"),
  ].join("\n").split("\n");
  for (const line of [...new Set(lines)]) {
    if (line.trim().length === 0) continue;
    const wrapped = t.wrap ? `\n${line}` : line;
    out.push(t.macro ? expand(wrapped) : wrapped);
  }
  return out;
}

export interface StopOptions {
  impersonate: boolean;
  /** Continuing the user's own last message. */
  continueOnUser: boolean;
  /** `Name:` lines are written (plain text with names, or an instruct template). */
  names: boolean;
  /** A group's other members (muted ones too): each one's `Name:` line stops the reply. */
  otherMembers?: string[];
}

/** getStoppingStrings: the names, the template's sequences, the context's markers; each once. */
export function stopStrings(t: InstructSequences | null, context: ContextTemplate, names: Names, expand: Expand, o: StopOptions): string[] {
  const out: string[] = [];
  if (context.names_as_stop_strings && o.names) {
    out.push(o.impersonate ? `\n${names.char}:` : `\n${names.user}:`, `\n${names.user}:`);
    if (o.continueOnUser) out.push(`\n${names.char}:`);
    for (const member of o.otherMembers ?? []) if (member && member !== names.char) out.push(`\n${member}:`);
  }
  if (t) out.push(...instructStops(t, names, expand));
  if (context.use_stop_strings) {
    if (context.chat_start) out.push(`\n${expand(context.chat_start)}`);
    if (context.example_separator) out.push(`\n${expand(context.example_separator)}`);
  }
  return [...new Set(out)];
}
