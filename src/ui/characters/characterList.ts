import { displayText } from "../../core/text/sanitize.ts";
import type { CardSummary } from "../../app/library.ts";
import type { SelectListItem } from "../components/SelectList.tsx";

export type CardSort = "name" | "recent" | "creator";
const SORTS: CardSort[] = ["name", "recent", "creator"];
export const sortLabels: Record<CardSort, string> = { name: "name", recent: "recently changed", creator: "creator" };

export function nextSort(sort: CardSort): CardSort {
  return SORTS[(SORTS.indexOf(sort) + 1) % SORTS.length] ?? "name";
}

const byName = (a: CardSummary, b: CardSummary) => a.name.localeCompare(b.name, undefined, { sensitivity: "base" }) || a.id.localeCompare(b.id);

export function sortCards(cards: CardSummary[], sort: CardSort): CardSummary[] {
  const out = cards.slice();
  if (sort === "name") return out.sort(byName);
  if (sort === "recent") return out.sort((a, b) => b.mtimeMs - a.mtimeMs || byName(a, b));
  // Cards without a creator go last rather than first.
  return out.sort((a, b) => (a.creator ? 0 : 1) - (b.creator ? 0 : 1) || a.creator.localeCompare(b.creator, undefined, { sensitivity: "base" }) || byName(a, b));
}

/** Every word of the query must appear in the name or in one of the tags (case-insensitive). */
export function filterCards(cards: CardSummary[], query: string): CardSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return cards;
  return cards.filter((c) => {
    const name = c.name.toLowerCase();
    const tags = c.tags.map((t) => t.toLowerCase());
    return words.every((w) => name.includes(w) || tags.some((t) => t.includes(w)));
  });
}

/** A list row: the name, then tags, creator, file format and markers. */
export function cardRow(card: CardSummary): SelectListItem {
  const tags = card.tags.slice(0, 4).map(displayText).join(", ") + (card.tags.length > 4 ? ", …" : "");
  const detail = [
    tags,
    card.creator ? `by ${displayText(card.creator)}` : "",
    card.format.toUpperCase(),
    card.hasBook ? "lorebook" : "",
    card.bundled ? "sample" : "",
  ].filter(Boolean);
  return { key: card.id, label: displayText(card.name) || "(no name)", detail: detail.join(" · ") };
}
