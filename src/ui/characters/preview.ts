import { displayText } from "../../core/text/sanitize.ts";
import { clampText } from "../text/layout.ts";

export interface PreviewSource {
  description: string;
  firstMes: string;
  /** How many alternate greetings; null while the full card is still being read. */
  alternateGreetings: number | null;
}

export interface PreviewLine {
  text: string;
  heading: boolean;
}

function section(title: string, body: string, width: number, rows: number): PreviewLine[] {
  if (rows <= 0) return [];
  return [{ text: title, heading: true }, ...clampText(body.trim() || "(empty)", width, rows - 1).map((text) => ({ text, heading: false }))];
}

/**
 * The preview of a card in at most `rows` rows: its description, then its first
 * greeting, each sanitized and clamped; the greeting keeps at least a third of the room.
 */
export function previewLines(card: PreviewSource, width: number, rows: number): PreviewLine[] {
  const description = displayText(card.description);
  const greeting = displayText(card.firstMes);
  const alternates = card.alternateGreetings;
  const greetingTitle = `First message${alternates ? ` (+${alternates} alternate greeting${alternates === 1 ? "" : "s"})` : ""}`;
  if (rows < 4) return section(greetingTitle, greeting, width, rows);
  const descriptionNeeds = clampText(description.trim() || "(empty)", width, rows).length + 1;
  const descriptionRows = Math.min(descriptionNeeds, rows - Math.max(2, Math.ceil(rows / 3)));
  return [...section("Description", description, width, descriptionRows), ...section(greetingTitle, greeting, width, rows - descriptionRows)];
}

/** One row per greeting for the picker: where it comes from, then its opening words. */
export function greetingChoices(greetings: string[], firstIsFirstMes: boolean): { key: string; label: string }[] {
  return greetings.map((g, i) => {
    const source = i === 0 && firstIsFirstMes ? "First message" : `Alternate ${firstIsFirstMes ? i : i + 1}`;
    return { key: `greeting-${i}`, label: `${source}: ${displayText(g).replace(/\s+/g, " ").trim()}` };
  });
}
