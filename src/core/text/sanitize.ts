// Untrusted text (cards, lorebooks, model output) is stored raw and made inert only
// when drawn: escape sequences could retitle the window, write the clipboard (OSC 52)
// or hide text. Apply to a whole message, never per streamed chunk: a sequence can
// span chunks.

const ESCAPE_SEQUENCE =
  // OSC / DCS / SOS / PM / APC strings (terminated by BEL or ST), then CSI, then 2-char ESC sequences.
  /\x1b[\]PX^_][\s\S]*?(?:\x07|\x1b\\|$)|\x1b\[[0-?]*[ -/]*[@-~]?|\x1b[ -/]*[0-~]?|[\x90\x98\x9d\x9e\x9f][\s\S]*?(?:\x07|\x9c|\x1b\\|$)|\x9b[0-?]*[ -/]*[@-~]?/g;
const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g;
// Bidi overrides/isolates and invisible tag characters can reorder or hide text.
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]|[\u{e0000}-\u{e007f}]/gu;

export function sanitizeForTerminal(text: string): string {
  return text
    .replace(/\r\n/g, "\n")
    .replace(/\r/g, "\n")
    .replace(ESCAPE_SEQUENCE, "")
    .replace(CONTROLS, "")
    .replace(INVISIBLE, "");
}

/** Tabs are zero-width to Ink but expanded by the terminal, which breaks layout. */
export function expandTabs(text: string, width = 4): string {
  return text
    .split("\n")
    .map((line) => {
      let out = "";
      for (const ch of line) {
        out += ch === "\t" ? " ".repeat(width - (out.length % width)) : ch;
      }
      return out;
    })
    .join("\n");
}

/** What the UI draws for any untrusted text. */
export function displayText(text: string): string {
  return expandTabs(sanitizeForTerminal(text));
}

/**
 * Text being edited (a card field, a lore entry, a message in the input), drawn inert
 * without changing its length: each control character (ESC, C0/C1, bidi overrides,
 * invisible tags) shows as "�", so cursor offsets still match the stored text.
 */
export function inertForEditing(text: string): string {
  return text
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, "\ufffd")
    .replace(/[\u{e0000}-\u{e007f}]/gu, "\ufffd\ufffd");
}

/** One row of a list (a name, a title): line breaks and CRs become spaces, so a name cannot draw rows of its own. */
export function displayLine(text: string): string {
  return displayText(text.replace(/[\r\n\u2028\u2029]+/g, " "));
}

const LEFTOVER_CONTROLS = /[\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]|[\u{e0000}-\u{e007f}]/gu;

const unicodeEscape = (ch: string) => [...Array(ch.length).keys()].map((i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, "0")}`).join("");

/**
 * The last guard on everything a headless command prints: escape sequences and C0
 * controls are removed (a lone CR ends the line), and C1 controls, bidi overrides and
 * invisible characters become visible `\uXXXX` escapes. JSON output stays valid and
 * exact (those characters only occur inside its strings, where the escape means the
 * same character); plain text shows what was hidden.
 */
export function guardOutput(text: string): string {
  return text
    .replace(LEFTOVER_CONTROLS, unicodeEscape)
    .replace(/\r\n/g, "\n")
    .replace(/\r/g, "\n")
    .replace(ESCAPE_SEQUENCE, "")
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, "");
}
