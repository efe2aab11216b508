/**
 * Prompt formats by name: each is one of SillyTavern's context templates with (or, for
 * plain text, without) one of its instruct templates. The shipped ones carry the values
 * of SillyTavern's presets of the same families (default/content/presets/context/*.json
 * and instruct/*.json), so the text they build is the text SillyTavern builds.
 */
import {
  DEFAULT_CONTEXT, DEFAULT_STORY_STRING, EMPTY_SEQUENCES,
  type ContextTemplate, type InstructSequences, type NamesBehavior,
} from "./formats.ts";

export interface InstructTemplate {
  /** How it is chosen: "chatml", or an imported preset's name. */
  name: string;
  label: string;
  /** The instruct sequences; null is instruct mode off (plain text, names carry the dialogue). */
  sequences: InstructSequences | null;
  context: ContextTemplate;
  /** Plain text only: `Name: ` before each message (SillyTavern always writes them); false leaves them out. */
  plainNames?: boolean;
  /** Ends a reply besides SillyTavern's stop strings (a template read from the model's own). */
  extraStops?: string[];
  /** The system prompt that came with an imported template; the user's own, when set, wins. */
  systemPrompt?: string;
}

const seq = (s: Partial<InstructSequences>): InstructSequences => ({ ...EMPTY_SEQUENCES, ...s });
/** A context whose story string sits inside the template's system turn, as the instruct presets' contexts do. */
const wrapped = (prefix: string, suffix: string, body = DEFAULT_STORY_STRING): ContextTemplate => ({
  ...DEFAULT_CONTEXT, story_string: `${prefix}${body}{{trim}}${suffix}`, chat_start: "", example_separator: "",
});
/** The Mistral presets' story string: personality and scenario without their labels. */
const BARE_STORY = DEFAULT_STORY_STRING.replace("{{char}}'s personality: {{personality}}", "{{personality}}").replace("Scenario: {{scenario}}", "{{scenario}}");
const ALIGNMENT = "Let's get started. Please respond based on the information and instructions provided above.";

/** presets/context/ChatML.json + presets/instruct/ChatML.json */
const chatml: InstructTemplate = {
  name: "chatml", label: "ChatML",
  context: wrapped("<|im_start|>system\n", "<|im_end|>"),
  sequences: seq({
    input_sequence: "<|im_start|>user", output_sequence: "<|im_start|>assistant", system_sequence: "<|im_start|>system",
    stop_sequence: "<|im_end|>", input_suffix: "<|im_end|>\n", output_suffix: "<|im_end|>\n", system_suffix: "<|im_end|>\n",
    wrap: true, names_behavior: "always",
  }),
};

/** presets/context/Llama 3 Instruct.json + presets/instruct/Llama 3 Instruct.json */
const llama3: InstructTemplate = {
  name: "llama3", label: "Llama 3 Instruct",
  context: wrapped("<|start_header_id|>system<|end_header_id|>\n\n", "<|eot_id|>"),
  sequences: seq({
    input_sequence: "<|start_header_id|>user<|end_header_id|>\n\n", output_sequence: "<|start_header_id|>assistant<|end_header_id|>\n\n",
    system_sequence: "<|start_header_id|>system<|end_header_id|>\n\n", stop_sequence: "<|eot_id|>",
    input_suffix: "<|eot_id|>", output_suffix: "<|eot_id|>", system_suffix: "<|eot_id|>",
    wrap: false, names_behavior: "always", system_same_as_user: true,
  }),
};

/** presets/context/Mistral V1.json + presets/instruct/Mistral V1.json */
const mistral: InstructTemplate = {
  name: "mistral", label: "Mistral V1",
  context: wrapped(" [INST] ", " [/INST] Understood.</s>", BARE_STORY),
  sequences: seq({
    input_sequence: " [INST] ", output_sequence: " [/INST] ", last_output_sequence: " [/INST]", output_suffix: "</s>",
    wrap: false, names_behavior: "always", user_alignment_message: ALIGNMENT, system_same_as_user: true,
  }),
};

/** presets/context/Mistral V3-Tekken.json + presets/instruct/Mistral V3-Tekken.json */
const mistralTekken: InstructTemplate = {
  name: "mistral-tekken", label: "Mistral V3-Tekken",
  context: wrapped("[INST]", "[/INST]Understood.</s>", BARE_STORY),
  sequences: seq({
    input_sequence: "[INST]", output_sequence: "[/INST]", output_suffix: "</s>",
    wrap: false, names_behavior: "always", user_alignment_message: ALIGNMENT, system_same_as_user: true,
  }),
};

/** presets/context/Gemma 2.json + presets/instruct/Gemma 2.json */
const gemma: InstructTemplate = {
  name: "gemma", label: "Gemma 2",
  context: wrapped("<start_of_turn>user\n", "<end_of_turn>"),
  sequences: seq({
    input_sequence: "<start_of_turn>user", output_sequence: "<start_of_turn>model", system_sequence: "<start_of_turn>system",
    stop_sequence: "<end_of_turn>", input_suffix: "<end_of_turn>\n", output_suffix: "<end_of_turn>\n", system_suffix: "<end_of_turn>\n",
    wrap: true, names_behavior: "none", system_same_as_user: true,
  }),
};

/** presets/context/Default.json + presets/instruct/Alpaca.json */
const alpaca: InstructTemplate = {
  name: "alpaca", label: "Alpaca",
  context: DEFAULT_CONTEXT,
  sequences: seq({
    input_sequence: "### Instruction:", output_sequence: "### Response:", system_sequence: "### Input:",
    input_suffix: "\n\n", output_suffix: "\n\n", system_suffix: "\n\n", wrap: true, names_behavior: "force",
  }),
};

/** presets/context/Default.json + presets/instruct/Vicuna 1.1.json */
const vicuna: InstructTemplate = {
  name: "vicuna", label: "Vicuna 1.1",
  context: DEFAULT_CONTEXT,
  sequences: seq({
    input_sequence: "\nUSER: ", output_sequence: "\nASSISTANT: ", output_suffix: "</s>", system_sequence_prefix: "BEGINNING OF CONVERSATION:",
    wrap: false, names_behavior: "force", system_same_as_user: true,
  }),
};

/** presets/context/Default.json with instruct mode off. */
const plain: InstructTemplate = { name: "plain", label: "Plain text (names, no instruct)", context: DEFAULT_CONTEXT, sequences: null };

export const INSTRUCT_TEMPLATES: readonly InstructTemplate[] = [chatml, llama3, mistral, mistralTekken, gemma, alpaca, vicuna, plain];

export class UnknownTemplateError extends Error {
  constructor(name: string, extra: readonly InstructTemplate[] = []) {
    const known = [...INSTRUCT_TEMPLATES, ...extra].map((t) => t.name).join(", ");
    super(`unknown instruct template "${name}" (known: ${known}, or "auto" for the model's own)`);
    this.name = "UnknownTemplateError";
  }
}

const ALIASES: Record<string, string> = {
  "llama-3": "llama3",
  "llama3-instruct": "llama3",
  "llama 3 instruct": "llama3",
  "mistral-v1": "mistral",
  "mistral v1": "mistral",
  "mistral-v3-tekken": "mistral-tekken",
  "mistral v3-tekken": "mistral-tekken",
  tekken: "mistral-tekken",
  "gemma-2": "gemma",
  "gemma 2": "gemma",
  gemma2: "gemma",
  "vicuna-1.1": "vicuna",
  "vicuna 1.1": "vicuna",
  text: "plain",
  none: "plain",
};

const key = (name: string) => name.trim().toLowerCase();

/**
 * A template by name (case-insensitive; a few aliases such as "llama-3", "none"). The
 * user's imported templates (`extra`) are found by their own names; a shipped name wins.
 */
export function getTemplate(name: string, extra: readonly InstructTemplate[] = []): InstructTemplate {
  const k = key(name);
  const found = INSTRUCT_TEMPLATES.find((t) => t.name === (ALIASES[k] ?? k)) ?? extra.find((t) => key(t.name) === k);
  if (!found) throw new UnknownTemplateError(name, extra);
  return found;
}

/** Names on or off: instruct templates write them always or never; plain text keeps or drops its `Name: `. */
export function withNames(template: InstructTemplate, names: boolean): InstructTemplate {
  if (!template.sequences) return { ...template, plainNames: names };
  const names_behavior: NamesBehavior = names ? "always" : "none";
  return { ...template, sequences: { ...template.sequences, names_behavior } };
}

export interface TemplateChoice {
  template: InstructTemplate;
  /** Why this template: shown to the user ("the model's template looks like ChatML"). */
  note: string;
}

/** Marker strings that identify a model's own (Jinja) chat template, most specific first. */
const MARKERS: { name: string; test: (t: string) => boolean }[] = [
  { name: "chatml", test: (t) => t.includes("<|im_start|>") },
  { name: "llama3", test: (t) => t.includes("<|start_header_id|>") },
  { name: "gemma", test: (t) => t.includes("<start_of_turn>") },
  // V1-V3 put spaces around the markers; Tekken writes them tight.
  { name: "mistral-tekken", test: (t) => t.includes("[INST]") && !/\[INST\] | \[\/INST\]/.test(t) },
  { name: "mistral", test: (t) => t.includes("[INST]") },
  { name: "alpaca", test: (t) => t.includes("### Instruction") },
  { name: "vicuna", test: (t) => t.includes("USER:") && t.includes("ASSISTANT:") },
];

/**
 * "The model's own template": maps the GGUF's `tokenizer.chat_template` to the nearest
 * template taproom has, by its markers. A template without known markers is used as
 * rendered from the GGUF (`own`, see derivedTemplate.ts) when the engine could derive
 * it; otherwise ChatML. Plain text when the model has none. The note says which.
 */
export function templateFromChatTemplate(chatTemplate: string | undefined, own?: InstructTemplate): TemplateChoice {
  if (!chatTemplate || chatTemplate.trim() === "") {
    return { template: plain, note: "the model has no chat template; using plain text" };
  }
  const match = MARKERS.find((m) => m.test(chatTemplate));
  if (!match) {
    if (own) return { template: own, note: "the model's own chat template, rendered from the GGUF" };
    return { template: chatml, note: "the model's chat template is not one taproom knows; using ChatML" };
  }
  const template = getTemplate(match.name);
  return { template, note: `the model's chat template looks like ${template.label}` };
}

/** `name` may be "auto"/"model" (the model's own), a template name, or undefined (= auto). */
export function chooseTemplate(name: string | undefined, chatTemplate: string | undefined, own?: InstructTemplate, extra: readonly InstructTemplate[] = []): TemplateChoice {
  if (name === undefined || ["auto", "model"].includes(key(name))) {
    return templateFromChatTemplate(chatTemplate, own);
  }
  const template = getTemplate(name, extra);
  return { template, note: `${template.label} (chosen by name)` };
}
