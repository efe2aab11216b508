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
 * lengths, not the text's: only the new text and the few characters before it can
 * complete a stop string.
 */
export class StopWatcher {
  private readonly stops: string[];
  private readonly longest: number;
  private text = "";
  private emitted = 0;
  private stopAt: number | undefined;

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((s) => s !== "");
    this.longest = Math.max(0, ...this.stops.map((s) => s.length));
  }

  /** Adds generated text; returns the text that became safe to show and whether a stop string completed. */
  push(chunk: string): { emit: string; stopped: boolean } {
    if (this.stopAt !== undefined) return { emit: "", stopped: true };
    const from = Math.max(0, this.text.length - this.longest + 1);
    this.text += chunk;
    let stopAt: number | undefined;
    for (const stop of this.stops) {
      const index = this.text.indexOf(stop, from);
      if (index !== -1 && (stopAt === undefined || index < stopAt)) stopAt = index;
    }
    if (stopAt !== undefined) {
      this.stopAt = stopAt;
      this.text = this.text.slice(0, stopAt);
      return { emit: this.take(stopAt), stopped: true };
    }
    return { emit: this.take(this.safeLength()), stopped: false };
  }

  /** The text generated, cut where a stop string began. */
  get value(): string {
    return this.text;
  }

  /** What is still held back (a partial stop string at the end), once generation is over. */
  rest(): string {
    return this.take(this.text.length);
  }

  private safeLength(): number {
    let held = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, this.text.length); length > held; length--) {
        if (this.text.endsWith(stop.slice(0, length))) {
          held = length;
          break;
        }
      }
    }
    let safe = this.text.length - held;
    while (safe > this.emitted && this.text[safe - 1] === "\ufffd") safe--;
    return safe;
  }

  private take(upTo: number): string {
    if (upTo <= this.emitted) return "";
    const out = this.text.slice(this.emitted, upTo);
    this.emitted = upTo;
    return out;
  }
}
