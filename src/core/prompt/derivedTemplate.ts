/**
 * The model's own chat template as an InstructTemplate, for templates taproom has no
 * table for (Phi, Command R, DeepSeek, ...). The GGUF's Jinja template is rendered
 * (by the engine) for a few short conversations of marker texts; the text between the
 * markers gives each role's prefix and suffix. The result is used only when it
 * rebuilds every one of those renders exactly, so a template with special cases
 * (system merged into the first user turn, a default system prompt, roles that must
 * alternate) is never guessed at.
 */
import type { PromptRole } from "../lorebook/insertion.ts";
import { DEFAULT_CONTEXT, DEFAULT_STORY_STRING, EMPTY_SEQUENCES } from "./formats.ts";
import type { InstructTemplate } from "./templates.ts";

/** The text around one role's turn. */
export interface TurnFormat {
  prefix: string;
  suffix: string;
}

type Formats = Record<PromptRole, TurnFormat>;

export interface RenderTurn {
  role: PromptRole;
  content: string;
}

/**
 * Renders turns with the model's template, with its generation prompt for the
 * assistant at the end unless `generation` is false (then the last turn is a user's);
 * special tokens such as BOS left out. Undefined (or a throw) when the template
 * refuses the conversation.
 */
export type RenderTurns = (turns: RenderTurn[], generation?: boolean) => string | undefined;

const S = "\u27e6sys\u27e7";
const U1 = "\u27e6u1\u27e7";
const A1 = "\u27e6a1\u27e7";
const U2 = "\u27e6u2\u27e7";
const A2 = "\u27e6a2\u27e7";
const U3 = "\u27e6u3\u27e7";

function safeRender(render: RenderTurns, turns: RenderTurn[], generation = true): string | undefined {
  try {
    return render(turns, generation);
  } catch {
    return undefined;
  }
}

/** The text around each marker, in order; undefined unless each occurs exactly once. */
function between(text: string, markers: string[]): string[] | undefined {
  const pieces: string[] = [];
  let rest = text;
  for (const marker of markers) {
    const at = rest.indexOf(marker);
    if (at < 0 || rest.indexOf(marker, at + 1) >= 0) return undefined;
    pieces.push(rest.slice(0, at));
    rest = rest.slice(at + marker.length);
  }
  pieces.push(rest);
  return pieces;
}

function commonSuffix(a: string, b: string): string {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return a.slice(a.length - n);
}

function compose(t: Formats, turns: RenderTurn[]): string {
  return turns.map((turn) => `${t[turn.role].prefix}${turn.content}${t[turn.role].suffix}`).join("") + t.assistant.prefix;
}

const user = (content: string): RenderTurn => ({ role: "user", content });
const assistant = (content: string): RenderTurn => ({ role: "assistant", content });

export function deriveTemplate(render: RenderTurns): InstructTemplate | undefined {
  const plainTurns = [user(U1), assistant(A1), user(U2)];
  const plain = safeRender(render, plainTurns);
  const parts = plain === undefined ? undefined : between(plain, [U1, A1, U2]);
  if (!parts) return undefined;
  const [pre, afterUser, afterAssistant, generation] = parts as [string, string, string, string];
  if (afterUser !== generation) return undefined;
  const userPrefix = commonSuffix(pre, afterAssistant);
  if (userPrefix !== pre || userPrefix === "") return undefined;
  const assistantSuffix = afterAssistant.slice(0, afterAssistant.length - userPrefix.length);
  // "End of the user turn + start of the reply": a lone user turn shows where the first ends.
  const lone = safeRender(render, [user(U1)], false);
  const loneParts = lone === undefined ? undefined : between(lone, [U1]);
  const userSuffix = loneParts && loneParts[0] === userPrefix && afterUser.startsWith(loneParts[1]!) ? loneParts[1]! : afterUser;
  const userFormat: TurnFormat = { prefix: userPrefix, suffix: userSuffix };
  const assistantFormat: TurnFormat = { prefix: afterUser.slice(userSuffix.length), suffix: assistantSuffix };

  let systemFormat: TurnFormat = userFormat;
  const withSystem = safeRender(render, [{ role: "system", content: S }, ...plainTurns]);
  const sys = withSystem === undefined ? undefined : between(withSystem, [S, U1]);
  if (sys && sys[1]!.endsWith(userPrefix) && sys[2] === plain!.slice(pre.length + U1.length)) {
    systemFormat = { prefix: sys[0]!, suffix: sys[1]!.slice(0, sys[1]!.length - userPrefix.length) };
  }
  const formats = { user: userFormat, assistant: assistantFormat, system: systemFormat };
  const checks: RenderTurn[][] = [
    plainTurns,
    [{ role: "system", content: S }, user(U1), assistant(A1), user(U2), assistant(A2), user(U3)],
    [user(U1), assistant(A1), user(U2), assistant(A2), user(U3)],
  ];
  for (const turns of checks) {
    const rendered = safeRender(render, turns);
    if (turns[0]!.role === "system" && systemFormat === userFormat) continue;
    if (rendered !== compose(formats, turns)) return undefined;
  }
  const stops = [assistantSuffix.trim(), userPrefix.trim()].filter((s) => s !== "");
  if (stops.length === 0) return undefined;
  return asInstructTemplate(formats, [...new Set(stops)]);
}

/**
 * The turn formats as SillyTavern-style sequences: no wrapping (the formats carry their
 * own newlines), names always, and a story string that sits in the system turn as the
 * context presets of SillyTavern's families do.
 */
export function asInstructTemplate(f: Formats, stops: string[]): InstructTemplate {
  const systemIsUser = f.system.prefix === f.user.prefix && f.system.suffix === f.user.suffix;
  return {
    name: "model",
    label: "the model's own template",
    context: { ...DEFAULT_CONTEXT, story_string: `${f.system.prefix}${DEFAULT_STORY_STRING}{{trim}}${f.system.suffix}`, chat_start: "", example_separator: "" },
    sequences: {
      ...EMPTY_SEQUENCES,
      input_sequence: f.user.prefix, input_suffix: f.user.suffix,
      output_sequence: f.assistant.prefix, output_suffix: f.assistant.suffix,
      system_sequence: f.system.prefix, system_suffix: f.system.suffix,
      wrap: false, macro: false, names_behavior: "always", system_same_as_user: systemIsUser,
    },
    extraStops: stops,
  };
}
