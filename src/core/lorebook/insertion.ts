/**
 * What lorebook activation hands to prompt building: the contract between
 * src/core/lorebook (which decides) and src/core/prompt (which places).
 */
export type LorePosition =
  | "before_char"
  | "after_char"
  | "before_examples"
  | "after_examples"
  | "an_top"
  | "an_bottom"
  | "at_depth"
  /** Not placed on its own: its content goes where `{{outlet::name}}` is written. */
  | "outlet";

export type PromptRole = "system" | "user" | "assistant";

export interface LoreInsertion {
  /** Stable id of the entry within its book, for explaining and inspecting. */
  entryId: string;
  content: string;
  position: LorePosition;
  /** Messages from the end of the history; used when position is "at_depth". */
  depth: number;
  role: PromptRole;
  /** Insertion order: lower values are placed first within a position. */
  order: number;
  /** The outlet's name (as written in the entry, case and all) when position is "outlet"; "" when the entry names none. */
  outlet?: string;
}
