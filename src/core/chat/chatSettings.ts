/**
 * Per-chat settings changed one at a time, checked before they reach the chat, so a
 * chat never saves a template that does not exist or a sampler out of range. Each
 * returns a new Chat, like the other chat operations.
 */
import { getTemplate, type InstructTemplate } from "../prompt/templates.ts";
import type { SamplerSettings } from "../samplers/types.ts";
import { validateSamplers } from "../samplers/validate.ts";
import { ChatOperationError, updateSettings, type ChatEnv } from "./operations.ts";
import type { AuthorsNote, Chat, MessageRole } from "./types.ts";

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** Attaches a library lorebook to this chat (besides the card's and global books); once. */
export function attachLorebook(chat: Chat, name: string, env: ChatEnv): Chat {
  const wanted = name.trim();
  if (wanted === "") throw new ChatOperationError("a lorebook name cannot be empty");
  const books = chat.settings.lorebooks ?? [];
  if (books.some((b) => same(b, wanted))) return chat;
  return updateSettings(chat, { lorebooks: [...books, wanted] }, env);
}

export function detachLorebook(chat: Chat, name: string, env: ChatEnv): Chat {
  const books = chat.settings.lorebooks ?? [];
  if (!books.some((b) => same(b, name))) {
    throw new ChatOperationError(`lorebook "${name}" is not attached to this chat (attached: ${books.join(", ") || "none"})`);
  }
  const left = books.filter((b) => !same(b, name));
  return updateSettings(chat, { lorebooks: left.length ? left : undefined }, env);
}

/**
 * The chat's instruct template by name (a shipped one, or one of the user's imported
 * templates in `imported`); "auto"/"model" or undefined go back to the model's own. Stored
 * by its canonical name; an unknown name throws UnknownTemplateError.
 */
export function setInstructTemplate(chat: Chat, name: string | undefined, env: ChatEnv, imported: readonly InstructTemplate[] = []): Chat {
  if (name === undefined || ["auto", "model"].includes(name.trim().toLowerCase())) {
    return updateSettings(chat, { instructTemplate: undefined }, env);
  }
  return updateSettings(chat, { instructTemplate: getTemplate(name, imported).name }, env);
}

/** `Name: ` prefixes in this chat's prompt on or off; undefined follows the template. */
export function setNamesInPrompt(chat: Chat, names: boolean | undefined, env: ChatEnv): Chat {
  return updateSettings(chat, { names }, env);
}

/** Who the user plays in this chat; undefined falls back to the default persona. */
export function setChatPersona(chat: Chat, name: string | undefined, env: ChatEnv): Chat {
  if (name !== undefined && name.trim() === "") throw new ChatOperationError("a persona name cannot be empty");
  return updateSettings(chat, { personaName: name?.trim() }, env);
}

/**
 * Changes some of the chat's own sampler overrides (on top of its preset); a field set
 * to undefined goes back to the preset's. Values out of range throw SamplerRangeError.
 */
export function overrideSamplers(chat: Chat, patch: Partial<SamplerSettings>, env: ChatEnv): Chat {
  const merged: Record<string, unknown> = { ...chat.settings.samplers };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  validateSamplers(merged as Partial<SamplerSettings>);
  return updateSettings(chat, { samplers: Object.keys(merged).length ? (merged as Partial<SamplerSettings>) : undefined }, env);
}

/** A whole named preset for the chat; its own overrides are dropped so the preset shows as is. */
export function choosePreset(chat: Chat, name: string | undefined, env: ChatEnv): Chat {
  return updateSettings(chat, { presetName: name?.trim() || undefined, samplers: undefined }, env);
}

const ROLES: MessageRole[] = ["system", "user", "assistant"];

/** Sets (or with an empty text, removes) the author's note; depth and frequency are whole numbers >= 0. */
export function setAuthorsNote(chat: Chat, note: Partial<AuthorsNote> & { text: string }, env: ChatEnv): Chat {
  if (note.text.trim() === "") return updateSettings(chat, { authorsNote: undefined }, env);
  const base = chat.settings.authorsNote;
  const next: AuthorsNote = {
    text: note.text,
    depth: note.depth ?? base?.depth ?? 4,
    frequency: note.frequency ?? base?.frequency ?? 1,
    role: note.role ?? base?.role ?? "system",
  };
  for (const field of ["depth", "frequency"] as const) {
    if (!Number.isInteger(next[field]) || next[field] < 0) {
      throw new ChatOperationError(`the author's note ${field} must be a whole number of at least 0, got ${next[field]}`);
    }
  }
  if (!ROLES.includes(next.role)) throw new ChatOperationError(`the author's note role must be system, user or assistant`);
  return updateSettings(chat, { authorsNote: next }, env);
}
