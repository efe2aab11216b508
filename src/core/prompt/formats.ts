/**
 * The shapes of SillyTavern's prompt formats, with SillyTavern's own field names so its
 * preset files map one to one: a context template (the story string and its markers) and
 * an instruct template (the sequences around each turn).
 */

export type NamesBehavior = "none" | "force" | "always";

/** An instruct template: SillyTavern's `instruct` preset fields. */
export interface InstructSequences {
  input_sequence: string;
  input_suffix: string;
  output_sequence: string;
  output_suffix: string;
  system_sequence: string;
  system_suffix: string;
  first_input_sequence: string;
  last_input_sequence: string;
  first_output_sequence: string;
  last_output_sequence: string;
  last_system_sequence: string;
  system_sequence_prefix: string;
  system_sequence_suffix: string;
  stop_sequence: string;
  user_alignment_message: string;
  /** A newline between a sequence and its text. */
  wrap: boolean;
  /** Macros ({{char}}, {{name}}) in the sequences are expanded. */
  macro: boolean;
  /** "always" writes `Name: ` before each turn; "force" only for others than the user (group members); "none" never. */
  names_behavior: NamesBehavior;
  skip_examples: boolean;
  /** System turns use the user's sequences (templates without a system role). */
  system_same_as_user: boolean;
}

/** A context template: SillyTavern's `context` preset fields. */
export interface ContextTemplate {
  /** Handlebars-style: `{{#if description}}{{description}}\n{{/if}}`, `{{trim}}`, ... */
  story_string: string;
  chat_start: string;
  example_separator: string;
  /** chat_start and example_separator end a reply too. */
  use_stop_strings: boolean;
  /** `\nUser:` ends a reply. */
  names_as_stop_strings: boolean;
  /** The card's post-history instructions go into the prompt. */
  allow_jailbreak: boolean;
}

export const EMPTY_SEQUENCES: InstructSequences = {
  input_sequence: "", input_suffix: "", output_sequence: "", output_suffix: "", system_sequence: "", system_suffix: "",
  first_input_sequence: "", last_input_sequence: "", first_output_sequence: "", last_output_sequence: "",
  last_system_sequence: "", system_sequence_prefix: "", system_sequence_suffix: "", stop_sequence: "",
  user_alignment_message: "", wrap: true, macro: true, names_behavior: "force", skip_examples: false, system_same_as_user: false,
};

export const SEQUENCE_FIELDS = (Object.keys(EMPTY_SEQUENCES) as (keyof InstructSequences)[]).filter((k) => typeof EMPTY_SEQUENCES[k] === "string");
export const FLAG_FIELDS = ["wrap", "macro", "skip_examples", "system_same_as_user"] as const;

/**
 * SillyTavern's story string before its context presets (power-user.js defaultStoryString,
 * with the World Info lines every shipped preset has).
 */
export const DEFAULT_STORY_STRING =
  "{{#if system}}{{system}}\n{{/if}}{{#if wiBefore}}{{wiBefore}}\n{{/if}}{{#if description}}{{description}}\n{{/if}}" +
  "{{#if personality}}{{char}}'s personality: {{personality}}\n{{/if}}{{#if scenario}}Scenario: {{scenario}}\n{{/if}}" +
  "{{#if wiAfter}}{{wiAfter}}\n{{/if}}{{#if persona}}{{persona}}\n{{/if}}";

/** SillyTavern's default system prompt, its "Neutral - Chat" (default/content/presets/sysprompt, settings.json). */
export const DEFAULT_SYSTEM_PROMPT = "Write {{char}}'s next reply in a fictional chat between {{char}} and {{user}}.";

export const DEFAULT_CONTEXT: ContextTemplate = {
  story_string: DEFAULT_STORY_STRING, chat_start: "***", example_separator: "***",
  use_stop_strings: false, names_as_stop_strings: true, allow_jailbreak: false,
};
