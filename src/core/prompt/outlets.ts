/**
 * SillyTavern's World Info outlets: activated lore that is not placed on its own but
 * goes wherever `{{outlet::name}}` is written (system prompt, card fields, author's
 * note, other lore).
 */
import type { LoreInsertion } from "../lorebook/insertion.ts";

/**
 * Each outlet's text by name (exact, case-sensitive): its entries joined by new lines,
 * highest order first. That is SillyTavern's order for outlets, the reverse of the other
 * positions, because it appends them while walking entries from high order to low.
 * An entry that names no outlet goes nowhere.
 */
export function outletTexts(lore: readonly LoreInsertion[]): Map<string, string> {
  const byName = new Map<string, LoreInsertion[]>();
  for (const l of lore) {
    if (l.position !== "outlet" || !l.outlet || l.content.trim() === "") continue;
    const list = byName.get(l.outlet);
    if (list) list.push(l);
    else byName.set(l.outlet, [l]);
  }
  const texts = new Map<string, string>();
  for (const [name, list] of byName) texts.set(name, [...list].sort((a, b) => b.order - a.order).map((l) => l.content).join("\n"));
  return texts;
}
