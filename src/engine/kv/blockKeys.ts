/**
 * Which block of its prompt each token belongs to, as a number two prompts share for the
 * same block: a message by its id, anything else by its place ("lore at depth 2",
 * "author's note at depth 4"), so a block that moved keeps its key. The previous reply,
 * cached past the prompt it answered, shares its key with the messages that prompt did
 * not have, and so does the reply prefix it was written after. Splicing keeps a cached
 * token only for a new token of the same block.
 */
import type { LayoutSection, PromptLayout } from "../../core/promptCache/layout.ts";

const REPLY = "reply";
const TAIL_KINDS = new Set(["reply_prefix", "post_history"]);

interface Side {
  /** Whether a message is one the cached prompt did not have (the previous reply is among them). */
  isNewMessage: (id: string) => boolean;
  /** The cached prompt's reply prefix begins the reply; the new prompt's has no cached counterpart. */
  tail: string;
}

function blockName(section: LayoutSection | undefined, side: Side): string {
  if (!section) return REPLY;
  if (section.messageId !== undefined) return side.isNewMessage(section.messageId) ? REPLY : `message ${section.messageId}`;
  if (TAIL_KINDS.has(section.kind)) return side.tail;
  return `${section.kind} ${section.label}`;
}

/** The block of each token, given each token's character offset in the prompt text. */
function keysOf(offsets: readonly number[], layout: PromptLayout, side: Side, ids: Map<string, number>): number[] {
  const sections = layout.sections;
  let s = 0;
  return offsets.map((offset) => {
    while (s < sections.length && offset >= sections[s]!.end) s++;
    const name = offset >= layout.length ? REPLY : blockName(sections[s], side);
    let id = ids.get(name);
    if (id === undefined) {
      id = ids.size;
      ids.set(name, id);
    }
    return id;
  });
}

/**
 * Keys for the cached tokens (the previous prompt, then its reply) and the new prompt's
 * tokens, from each token's character offset in its text.
 */
export function blockKeys(cached: { offsets: readonly number[]; layout: PromptLayout }, next: { offsets: readonly number[]; layout: PromptLayout }): { cached: number[]; next: number[] } {
  const ids = new Map<string, number>();
  const known = new Set(cached.layout.sections.flatMap((s) => (s.messageId !== undefined ? [s.messageId] : [])));
  return {
    cached: keysOf(cached.offsets, cached.layout, { isNewMessage: () => false, tail: REPLY }, ids),
    next: keysOf(next.offsets, next.layout, { isNewMessage: (id) => !known.has(id), tail: "new prompt's end" }, ids),
  };
}
