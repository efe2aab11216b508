/**
 * The author's note as SillyTavern keeps it in a chat's metadata: `note_prompt`,
 * `note_depth`, `note_interval`, `note_role` (0 system, 1 user, 2 assistant) and
 * `note_position`, which taproom keeps as it found it (the note goes in the chat).
 */
import type { AuthorsNote, MessageRole } from "./types.ts";

const ROLES: MessageRole[] = ["system", "user", "assistant"];
/** SillyTavern's defaults for a note whose settings were never touched. */
const DEFAULT_DEPTH = 4;
const DEFAULT_INTERVAL = 1;

export class AuthorsNoteFieldError extends Error {
  constructor(readonly field: string, detail: string) {
    super(`chat_metadata.${field}: ${detail}`);
    this.name = "AuthorsNoteFieldError";
  }
}

/** The note in this metadata, or undefined when it has none (an empty note is none). */
export function authorsNoteFromMetadata(meta: Record<string, unknown>): AuthorsNote | undefined {
  const text = meta.note_prompt;
  if (text === undefined || text === null) return undefined;
  if (typeof text !== "string") throw new AuthorsNoteFieldError("note_prompt", "must be text");
  if (text.trim() === "") return undefined;
  const role = count(meta, "note_role", 0);
  if (role > 2) throw new AuthorsNoteFieldError("note_role", "must be 0 (system), 1 (user) or 2 (assistant)");
  return { text, depth: count(meta, "note_depth", DEFAULT_DEPTH), frequency: count(meta, "note_interval", DEFAULT_INTERVAL), role: ROLES[role]! };
}

/** The metadata with this note in SillyTavern's keys; no note is SillyTavern's empty `note_prompt`. */
export function withAuthorsNote(meta: Record<string, unknown>, note: AuthorsNote | undefined): Record<string, unknown> {
  // A note as imported goes back exactly as SillyTavern wrote it, defaults left unwritten.
  if (sameNote(noteOrNothing(meta), note)) return { ...meta };
  if (!note) {
    // SillyTavern's own "no note" is an empty prompt: its other note settings stay as they were.
    const hadOne = typeof meta.note_prompt === "string" && meta.note_prompt.trim() !== "";
    return hadOne ? { ...meta, note_prompt: "" } : { ...meta };
  }
  return { ...meta, note_prompt: note.text, note_depth: note.depth, note_interval: note.frequency, note_role: ROLES.indexOf(note.role), note_position: meta.note_position ?? 1 };
}

function noteOrNothing(meta: Record<string, unknown>): AuthorsNote | undefined {
  try {
    return authorsNoteFromMetadata(meta);
  } catch {
    return undefined;
  }
}

function sameNote(a: AuthorsNote | undefined, b: AuthorsNote | undefined): boolean {
  if (!a || !b) return a === b;
  return a.text === b.text && a.depth === b.depth && a.frequency === b.frequency && a.role === b.role;
}

/** A whole number ≥ 0; SillyTavern has written these as numbers and as numeric text. */
function count(meta: Record<string, unknown>, field: string, fallback: number): number {
  const value = meta[field];
  if (value === undefined || value === null || value === "") return fallback;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) throw new AuthorsNoteFieldError(field, `must be a whole number ≥ 0, found ${JSON.stringify(value)}`);
  return n;
}
