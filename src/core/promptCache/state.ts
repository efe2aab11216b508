/**
 * A saved KV state's key: what must be identical for the state to be loaded. A state
 * from another model file can crash llama.cpp, so the model is named by its bytes, not
 * its path; the context's size and cache layout and the template must match too; the
 * tokens it holds decide how much of a prompt it serves.
 */
import type { PromptLayout } from "./layout.ts";

export interface ModelIdentity {
  /** The model's name, for messages. */
  name: string;
  bytes: number;
  /** A hash of the file's size, first and last MiB. */
  fingerprint: string;
}

export interface StateKey {
  model: ModelIdentity;
  contextSize: number;
  /** How the context lays out its cache (flash attention, full SWA cache): a state only loads into the same. */
  cacheLayout: string;
  template: string;
}

export interface StateRecord {
  key: StateKey;
  /** The tokens the state holds, in order. */
  tokens: number[];
  /** The prompt those tokens were built from (its reply follows), to explain the next turn. */
  layout?: PromptLayout;
  savedAt: string;
}

/** Why a saved state may not be loaded for this key, in words; undefined when it may. */
export function stateKeyMismatch(saved: StateKey, now: StateKey): string | undefined {
  if (saved.model.fingerprint !== now.model.fingerprint || saved.model.bytes !== now.model.bytes) {
    return `the saved state is from another model (${saved.model.name}), not ${now.model.name}`;
  }
  if (saved.contextSize !== now.contextSize) return `the saved state is for a context of ${saved.contextSize}, this one has ${now.contextSize}`;
  if (saved.cacheLayout !== now.cacheLayout) return `the saved state's cache layout (${saved.cacheLayout}) differs from this context's (${now.cacheLayout})`;
  if (saved.template !== now.template) return `the template changed since the state was saved (${saved.template} → ${now.template})`;
  return undefined;
}
