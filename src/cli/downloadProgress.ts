import type { ModelDownloadProgress } from "../app/downloads.ts";
import { formatBytes, formatDuration, formatRate, progressBar } from "../core/units/format.ts";

export interface DownloadProgressReporter {
  update(progress: ModelDownloadProgress): void;
  /** Ends a redrawn line so later output starts on a fresh one. */
  finish(): void;
}

/**
 * A bar redrawn in place when stderr is a terminal; plain lines every few seconds
 * otherwise (logs, pipes, CI), so a long download still shows it is alive.
 */
export function createDownloadProgressReporter(options: {
  write: (text: string) => void;
  isTTY: boolean;
  /** Between plain lines; the terminal bar redraws at every event. */
  plainIntervalMs?: number;
  now?: () => number;
}): DownloadProgressReporter {
  const now = options.now ?? Date.now;
  let lastPlain = -Infinity;
  let drawn = false;
  return {
    update(p) {
      if (options.isTTY) {
        options.write(`\r${progressLine(p, true)}\x1b[K`);
        drawn = true;
        return;
      }
      const t = now();
      if (t - lastPlain < (options.plainIntervalMs ?? 5000) && p.bytes < p.total) return;
      lastPlain = t;
      options.write(`${progressLine(p, false)}\n`);
    },
    finish() {
      if (drawn) options.write("\n");
      drawn = false;
    },
  };
}

/** "[#####.....]  42%  1.93 GB / 4.60 GB  23.4 MB/s  ETA 1m54s  part 1/2". */
export function progressLine(p: ModelDownloadProgress, withBar: boolean): string {
  const fraction = p.total > 0 ? p.bytes / p.total : 0;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const parts = p.parts > 1 ? `  part ${p.part}/${p.parts}` : "";
  const bar = withBar ? `${progressBar(fraction, 24)} ` : "";
  return `${bar}${percent}  ${formatBytes(p.bytes)} / ${formatBytes(p.total)}  ${formatRate(p.bytesPerSecond)}  ETA ${formatDuration(p.etaSeconds)}${parts}`;
}
