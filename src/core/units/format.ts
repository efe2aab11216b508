/** Human figures for sizes, speeds and durations, as progress lines and tables show them. */

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/**
 * Binary units, as memory is sold and llama.cpp reports sizes, labelled so that
 * nobody mistakes them for the hub's decimal GB: 4.58 * 2**30 -> "4.58 GiB".
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** 151 -> "2m31s"; 3700 -> "1h01m"; undefined -> "--". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return "--";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** "[#######.............]" of `width` characters inside the brackets. */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.max(0, Math.min(width, Math.round(fraction * width)));
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

/** How long ago `iso` was, as a list shows it: "just now", "5m ago", "3h ago", "2d ago", else the date. */
export function formatAgo(iso: string, now: Date): string {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return iso;
  const s = Math.max(0, (now.getTime() - then) / 1000);
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  if (s < 86400 * 14) return `${Math.floor(s / 86400)}d ago`;
  return new Date(then).toISOString().slice(0, 10);
}

/** A count with its noun: plural(1, "entry", "entries") -> "1 entry"; plural(3, "card") -> "3 cards". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
