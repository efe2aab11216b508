/**
 * Reasoning ("thinking") blocks as SillyTavern's reasoning.js (2025) keeps them: the
 * markers a model writes its thinking between, as a named template, and the settings
 * under SillyTavern's own key names (power_user.reasoning), so they can be exchanged.
 */

export interface ReasoningTemplate {
  name: string;
  prefix: string;
  suffix: string;
  /** Between the suffix and the reply when reasoning is put back into a prompt. */
  separator: string;
}

/** SillyTavern's four shipped templates, then the markers other local models write. */
export const BUILTIN_REASONING_TEMPLATES: readonly ReasoningTemplate[] = [
  { name: "DeepSeek", prefix: "<think>\n", suffix: "\n</think>", separator: "\n\n" },
  { name: "Think XML", prefix: "<think>", suffix: "</think>", separator: "\n" },
  { name: "Gemma 4", prefix: "<|channel>thought\n", suffix: "\n<channel|>", separator: "\n\n" },
  { name: "Blank", prefix: "", suffix: "", separator: "" },
  { name: "Thinking XML", prefix: "<thinking>", suffix: "</thinking>", separator: "\n" },
  { name: "Mistral [THINK]", prefix: "[THINK]", suffix: "[/THINK]", separator: "\n" },
  { name: "Begin of thought", prefix: "<|begin_of_thought|>", suffix: "<|end_of_thought|>", separator: "\n\n" },
];

export const DEFAULT_REASONING_TEMPLATE = "DeepSeek";

/** power_user.reasoning, key for key; `detect_markers` is taproom's own. */
export interface ReasoningSettings {
  /** The template chosen (its prefix, suffix and separator are copied below). */
  name: string;
  /** Split the reasoning out of what the model writes. */
  auto_parse: boolean;
  /** Put stored reasoning back into the prompt. */
  add_to_prompts: boolean;
  /** How many of the newest messages with reasoning carry it in the prompt. */
  max_additions: number;
  /** Reasoning blocks start unfolded. */
  auto_expand: boolean;
  /** Show a header where the model reasoned but its reasoning is not available. */
  show_hidden: boolean;
  prefix: string;
  suffix: string;
  separator: string;
  /** Also recognise the other templates' markers when a reply starts with one (taproom). */
  detect_markers: boolean;
}

/** SillyTavern's defaults, but parsing on: taproom splits reasoning out unless told not to. */
export const DEFAULT_REASONING_SETTINGS: ReasoningSettings = {
  name: DEFAULT_REASONING_TEMPLATE,
  auto_parse: true,
  add_to_prompts: false,
  max_additions: 1,
  auto_expand: false,
  show_hidden: false,
  prefix: "<think>\n",
  suffix: "\n</think>",
  separator: "\n\n",
  detect_markers: true,
};

export const REASONING_SETTING_TYPES: Record<keyof ReasoningSettings, "string" | "boolean" | "count"> = {
  name: "string", auto_parse: "boolean", add_to_prompts: "boolean", max_additions: "count", auto_expand: "boolean",
  show_hidden: "boolean", prefix: "string", suffix: "string", separator: "string", detect_markers: "boolean",
};

/** The settings with a template chosen: its markers copied in, as choosing one in SillyTavern does. */
export function withTemplate(settings: ReasoningSettings, template: ReasoningTemplate): ReasoningSettings {
  return { ...settings, name: template.name, prefix: template.prefix, suffix: template.suffix, separator: template.separator };
}

export function findReasoningTemplate(name: string, extra: readonly ReasoningTemplate[] = []): ReasoningTemplate | undefined {
  const lower = name.trim().toLowerCase();
  return [...extra, ...BUILTIN_REASONING_TEMPLATES].find((t) => t.name.toLowerCase() === lower);
}

/** The markers a stream is split by: as written, without the whitespace around them (the text between is trimmed anyway). */
export interface ReasoningMarkers {
  prefix: string;
  suffix: string;
}

/**
 * The markers to look for, the chosen ones first; none when parsing is off or the chosen
 * template has an empty marker (SillyTavern's "Blank" turns parsing off).
 */
export function markersToTry(settings: ReasoningSettings): ReasoningMarkers[] {
  const own = { prefix: settings.prefix.trim(), suffix: settings.suffix.trim() };
  if (!settings.auto_parse || !own.prefix || !own.suffix) return [];
  if (!settings.detect_markers) return [own];
  const others = BUILTIN_REASONING_TEMPLATES.map((t) => ({ prefix: t.prefix.trim(), suffix: t.suffix.trim() }))
    .filter((m) => m.prefix && m.suffix && !(m.prefix === own.prefix && m.suffix === own.suffix));
  const unique = new Map([own, ...others].map((m) => [`${m.prefix}\u0000${m.suffix}`, m]));
  return [...unique.values()];
}
