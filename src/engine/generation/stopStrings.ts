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
