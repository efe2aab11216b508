/**
 * What a lenient read of a lorebook repaired or left out, said once per kind of repair:
 * the same repair on many entries is one line naming them all ("entries 0-3: ...").
 */

interface Note { entry: number | null; field: string; message: string }

/** Collects repairs while a book is read; `lines()` words them for a person. */
export class ImportNotes {
  private readonly notes: Note[] = [];

  /** `entry` is the entry's uid or place in the list, null for the book itself. */
  add(entry: number | null, field: string, message: string): void {
    this.notes.push({ entry, field, message });
  }

  get size(): number {
    return this.notes.length;
  }

  /** One item per repair kind: where ("entries 0-3: probability") and what was done. */
  grouped(entriesLabel = "entries"): { where: string; message: string }[] {
    const groups = new Map<string, { field: string; message: string; entries: number[]; book: boolean }>();
    for (const n of this.notes) {
      const key = `${n.field}\u0000${n.message}`;
      let g = groups.get(key);
      if (!g) { g = { field: n.field, message: n.message, entries: [], book: false }; groups.set(key, g); }
      if (n.entry === null) g.book = true;
      else g.entries.push(n.entry);
    }
    const out: { where: string; message: string }[] = [];
    for (const g of groups.values()) {
      if (g.book) out.push({ where: g.field, message: g.message });
      if (g.entries.length) {
        const label = g.entries.length === 1 ? `${entriesLabel.replace(/entries$/, "entry")} ${g.entries[0]}` : `${entriesLabel} ${ranges(g.entries)}`;
        out.push({ where: `${label}: ${g.field}`, message: g.message });
      }
    }
    return out;
  }

  /** One line per repair kind: `file: entries 0-3: probability: null, read as 100 (...)`. */
  lines(file: string, entriesLabel = "entries"): string[] {
    return this.grouped(entriesLabel).map((g) => `${file}: ${g.where}: ${g.message}`);
  }
}

/** 0,1,2,3,7 -> "0-3, 7". */
function ranges(values: number[]): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i]!;
    while (i + 1 < sorted.length && sorted[i + 1] === sorted[i]! + 1) i++;
    parts.push(start === sorted[i] ? String(start) : `${start}-${sorted[i]}`);
  }
  return parts.join(", ");
}

/** A value as a warning quotes it: short, one line. */
export function quoted(v: unknown): string {
  if (v === undefined) return "nothing";
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
