/**
 * Ink 6.8 keeps every line ever printed through `<Static>` in one string, and writes it
 * all again whenever the live region reaches the terminal's height: after a reprint or a
 * screen change, the scrollback filled with copies of the transcript, and the string
 * grew for as long as the app ran. When the app clears the terminal it also empties
 * that string. Ink exposes its instances only through an internal module, pinned here
 * with its version; on any other shape this does nothing.
 */
import { createRequire } from "node:module";

interface InkInstance {
  fullStaticOutput?: unknown;
}

let instances: WeakMap<object, InkInstance> | null | undefined;

async function inkInstances(): Promise<WeakMap<object, InkInstance> | null> {
  if (instances !== undefined) return instances;
  try {
    const entry = createRequire(import.meta.url).resolve("ink").replace(/index\.js$/, "instances.js");
    const { pathToFileURL } = await import("node:url");
    const loaded = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    instances = loaded.default instanceof WeakMap ? (loaded.default as WeakMap<object, InkInstance>) : null;
  } catch {
    instances = null;
  }
  return instances;
}

/** Loads Ink's instance table ahead of the first clear (the clear itself must be synchronous). */
export const inkPrintedOutputReady: Promise<unknown> = inkInstances();

/** Forgets what Ink printed on `stdout` so far: call it when the terminal has just been cleared. */
export function forgetPrintedOutput(stdout: object): void {
  const ink = instances?.get(stdout);
  if (ink && typeof ink.fullStaticOutput === "string") ink.fullStaticOutput = "";
}
