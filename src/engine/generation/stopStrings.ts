/**
 * Streaming with stop strings: text may only be shown once it can no longer turn
 * out to be the start of a stop string, and a stop string must never be shown.
 */
export interface StopScan {
  /** Text that is final and may be emitted. */
  safeLength: number;
  /** Where a complete stop string starts, if one appeared. */
  stopAt?: number;
}

export function scanForStops(text: string, stops: readonly string[]): StopScan {
  let stopAt: number | undefined;
  for (const stop of stops) {
    if (!stop) continue;
    const index = text.indexOf(stop);
    if (index !== -1 && (stopAt === undefined || index < stopAt)) stopAt = index;
  }
  if (stopAt !== undefined) return { safeLength: stopAt, stopAt };
  let held = 0;
  for (const stop of stops) {
    for (let length = Math.min(stop.length - 1, text.length); length > held; length--) {
      if (text.endsWith(stop.slice(0, length))) {
        held = length;
        break;
      }
    }
  }
  // An incomplete UTF-8 sequence detokenizes to U+FFFD until its last byte arrives.
  let safeLength = text.length - held;
  while (safeLength > 0 && text[safeLength - 1] === "\ufffd") safeLength--;
  return { safeLength };
}

/**
 * scanForStops for a growing text, with work per push bounded by the stop strings'
 * lengths, not the text's. Text shown never ends in the start of a stop string, so a
 * stop string can only complete inside what is held back plus the new text: only that
 * short string is searched (searching the whole text would also make V8 flatten it,
 * a copy of the whole reply per token).
 */
export class StopWatcher {
  private readonly stops: string[];
  private readonly shown: string[] = [];
  /** Text not shown yet: a possible start of a stop string, and the newest text. */
  private held = "";
  private stopped = false;
  /** The stop string that ended the text, once one did. */
  matched: string | undefined;

  /** `keep`: the matched stop string stays at the end of the text (KoboldCpp's trim_stop false). */
  constructor(stops: readonly string[], private readonly keep = false) {
    this.stops = stops.filter((s) => s !== "");
  }

  /** Adds generated text; returns the text that became safe to show and whether a stop string completed. */
  push(chunk: string): { emit: string; stopped: boolean } {
    if (this.stopped) return { emit: "", stopped: true };
    const text = this.held + chunk;
    let stopAt: number | undefined;
    for (const stop of this.stops) {
      const index = text.indexOf(stop);
      if (index !== -1 && (stopAt === undefined || index < stopAt)) {
        stopAt = index;
        this.matched = stop;
      }
    }
    if (stopAt !== undefined) {
      this.stopped = true;
      this.held = "";
      const end = this.keep ? stopAt + this.matched!.length : stopAt;
      return { emit: this.show(text.slice(0, end)), stopped: true };
    }
    const safe = this.safeLength(text);
    this.held = text.slice(safe);
    return { emit: this.show(text.slice(0, safe)), stopped: false };
  }

  /** The text generated, cut where a stop string began. */
  get value(): string {
    return this.shown.join("") + this.held;
  }

  /** What is still held back (a partial stop string at the end), once generation is over. */
  rest(): string {
    const rest = this.held;
    this.held = "";
    return this.show(rest);
  }

  private safeLength(text: string): number {
    let held = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > held; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          held = length;
          break;
        }
      }
    }
    let safe = text.length - held;
    // An incomplete UTF-8 sequence detokenizes to U+FFFD until its last byte arrives (3 more at most).
    const floor = Math.max(0, safe - 3);
    while (safe > floor && text[safe - 1] === "\ufffd") safe--;
    return safe;
  }

  private show(text: string): string {
    if (text) this.shown.push(text);
    return text;
  }
}
