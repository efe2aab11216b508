/**
 * Instruct templates as data: how each turn is wrapped for a family of models, and
 * the strings that end a reply. Sequences follow SillyTavern's shipped instruct
 * presets for the same families.
 */
import type { PromptRole } from "../lorebook/insertion.ts";

export interface TurnFormat {
  prefix: string;
  suffix: string;
}

export interface InstructTemplate {
  name: string;
  label: string;
  /** False for plain text: no turn markers, names carry the dialogue. */
  instruct: boolean;
  user: TurnFormat;
  assistant: TurnFormat;
  /** Templates without a system role (Mistral, Gemma) reuse the user turn. */
  system: TurnFormat;
  /** Write `Name: ` in front of each chat message. */
  names: boolean;
  /** Ends a reply, besides the model's own end-of-generation token. */
  stops: string[];
}

const plainTurn: TurnFormat = { prefix: "", suffix: "\n" };

const chatml: InstructTemplate = {
  name: "chatml",
  label: "ChatML",
  instruct: true,
  user: { prefix: "<|im_start|>user\n", suffix: "<|im_end|>\n" },
  assistant: { prefix: "<|im_start|>assistant\n", suffix: "<|im_end|>\n" },
  system: { prefix: "<|im_start|>system\n", suffix: "<|im_end|>\n" },
  names: true,
  stops: ["<|im_end|>", "<|im_start|>"],
};

const llama3: InstructTemplate = {
  name: "llama3",
  label: "Llama 3 Instruct",
  instruct: true,
  user: { prefix: "<|start_header_id|>user<|end_header_id|>\n\n", suffix: "<|eot_id|>" },
  assistant: { prefix: "<|start_header_id|>assistant<|end_header_id|>\n\n", suffix: "<|eot_id|>" },
  system: { prefix: "<|start_header_id|>system<|end_header_id|>\n\n", suffix: "<|eot_id|>" },
  names: true,
  stops: ["<|eot_id|>", "<|start_header_id|>"],
};

const mistralUser: TurnFormat = { prefix: "[INST] ", suffix: " [/INST]" };
const mistral: InstructTemplate = {
  name: "mistral",
  label: "Mistral V1",
  instruct: true,
  user: mistralUser,
  assistant: { prefix: " ", suffix: "</s>" },
  system: mistralUser,
  names: true,
  stops: ["</s>", "[INST]"],
};

const tekkenUser: TurnFormat = { prefix: "[INST]", suffix: "[/INST]" };
const mistralTekken: InstructTemplate = {
  name: "mistral-tekken",
  label: "Mistral V3-Tekken",
  instruct: true,
  user: tekkenUser,
  assistant: { prefix: "", suffix: "</s>" },
  system: tekkenUser,
  names: true,
  stops: ["</s>", "[INST]"],
};

const gemmaUser: TurnFormat = { prefix: "<start_of_turn>user\n", suffix: "<end_of_turn>\n" };
const gemma: InstructTemplate = {
  name: "gemma",
  label: "Gemma 2",
  instruct: true,
  user: gemmaUser,
  assistant: { prefix: "<start_of_turn>model\n", suffix: "<end_of_turn>\n" },
  system: gemmaUser,
  names: true,
  stops: ["<end_of_turn>", "<start_of_turn>"],
};

const alpaca: InstructTemplate = {
  name: "alpaca",
  label: "Alpaca",
  instruct: true,
  user: { prefix: "### Instruction:\n", suffix: "\n\n" },
  assistant: { prefix: "### Response:\n", suffix: "\n\n" },
  system: { prefix: "", suffix: "\n\n" },
  names: true,
  stops: ["### Instruction:", "### Response:"],
};

const vicuna: InstructTemplate = {
  name: "vicuna",
  label: "Vicuna 1.1",
  instruct: true,
  user: { prefix: "USER: ", suffix: "\n" },
  assistant: { prefix: "ASSISTANT: ", suffix: "</s>\n" },
  system: { prefix: "", suffix: "\n\n" },
  names: true,
  stops: ["</s>", "\nUSER:"],
};

const plain: InstructTemplate = {
  name: "plain",
  label: "Plain text (names, no instruct)",
  instruct: false,
  user: plainTurn,
  assistant: plainTurn,
  system: plainTurn,
  names: true,
  stops: [],
};

export const INSTRUCT_TEMPLATES: readonly InstructTemplate[] = [
  chatml,
  llama3,
  mistral,
  mistralTekken,
  gemma,
  alpaca,
  vicuna,
  plain,
];

export class UnknownTemplateError extends Error {
  constructor(name: string) {
    const known = INSTRUCT_TEMPLATES.map((t) => t.name).join(", ");
    super(`unknown instruct template "${name}" (known: ${known}, or "auto" for the model's own)`);
    this.name = "UnknownTemplateError";
  }
}

const ALIASES: Record<string, string> = {
  "llama-3": "llama3",
  "llama3-instruct": "llama3",
  "mistral-v1": "mistral",
  "mistral-v3-tekken": "mistral-tekken",
  tekken: "mistral-tekken",
  "gemma-2": "gemma",
  gemma2: "gemma",
  "vicuna-1.1": "vicuna",
  text: "plain",
  none: "plain",
};

/** A template by name (case-insensitive; a few aliases such as "llama-3", "none"). */
export function getTemplate(name: string): InstructTemplate {
  const key = name.trim().toLowerCase();
  const found = INSTRUCT_TEMPLATES.find((t) => t.name === (ALIASES[key] ?? key));
  if (!found) throw new UnknownTemplateError(name);
  return found;
}

export function withNames(template: InstructTemplate, names: boolean): InstructTemplate {
  return { ...template, names };
}

export function roleFormat(template: InstructTemplate, role: PromptRole): TurnFormat {
  return template[role];
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
export function chooseTemplate(name: string | undefined, chatTemplate: string | undefined, own?: InstructTemplate): TemplateChoice {
  if (name === undefined || ["auto", "model"].includes(name.trim().toLowerCase())) {
    return templateFromChatTemplate(chatTemplate, own);
  }
  const template = getTemplate(name);
  return { template, note: `${template.label} (chosen by name)` };
}
