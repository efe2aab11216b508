import { displayText } from "../../core/text/sanitize.ts";
import { formatAgo } from "../../core/units/format.ts";
import type { CardSummary, TrashedCard } from "../../app/library.ts";
import type { ChatIndexEntry } from "../../app/chats/chats.ts";
import type { ChatTarget } from "../../app/chats/session.ts";
import type { SelectListItem } from "../components/SelectList.tsx";

export interface HomeItem extends SelectListItem {
  target: ChatTarget;
  section: "chats" | "characters";
  /** A chat whose card was deleted: the id the card had, which restoring it brings back. */
  deletedCard?: string;
}

const RECENT_CHATS = 9;

/**
 * The home list: the most recent chats first (resume), then every character (its latest
 * chat, or a new one from the greeting). A chat whose card is in the trash (and not
 * back in the library) is marked. Names come from files people download.
 */
export function homeItems(chats: ChatIndexEntry[], characters: CardSummary[], now: Date, trashed: TrashedCard[] = []): HomeItem[] {
  const live = new Set(characters.map((c) => c.id));
  const deleted = new Set(trashed.map((t) => t.id).filter((id) => !live.has(id)));
  const recent = chats.slice(0, RECENT_CHATS).map((c): HomeItem => ({
    key: `chat:${c.id}`,
    section: "chats",
    label: `${displayText(c.characterName)}${deleted.has(c.characterId) ? " (card deleted)" : ""} · ${displayText(c.title)}`,
    detail: `${c.messageCount} message${c.messageCount === 1 ? "" : "s"}${c.hasDraft ? " · ✎ draft" : ""} · ${formatAgo(c.updatedAt, now)}${deleted.has(c.characterId) ? " · u restores the card" : ""}`,
    target: { characterId: c.characterId, chatId: c.id },
    ...(deleted.has(c.characterId) && { deletedCard: c.characterId }),
  }));
  const people = characters.map((c): HomeItem => ({
    key: `char:${c.id}`,
    section: "characters",
    label: displayText(c.name),
    detail: [c.bundled ? "sample" : "", c.tags.slice(0, 3).map(displayText).join(", ")].filter(Boolean).join(" · "),
    target: { characterId: c.id },
  }));
  return [...recent, ...people];
}
