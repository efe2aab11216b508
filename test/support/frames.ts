// Screen tests poll Ink's frames instead of sleeping a fixed time: a loaded machine
// (CI, two cores) can take far longer to draw than a quiet one.
import assert from "node:assert/strict";

/** A pause of a fixed time: only for the polling loops below, never as a wait for something to happen. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until what a key or a new screen set off inside React has run. Ink draws
 * synchronously, but the effects after a draw (a screen's input handler, attached
 * again with the state it now holds) run in the React scheduler's next turns of the
 * event loop (setImmediate in Node); this waits for those turns, not for a time, so a
 * loaded machine cannot outrun it. Anything slower (a file read, a fake reply) is
 * waited for with `until`.
 */
export async function settled(turns = 4): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Sends each key in a read of its own (text and Enter in one read would be a paste), once the screen listens and has taken the one before. */
export async function press(stdin: TestStdin, ...keys: string[]): Promise<void> {
  for (const key of keys) {
    await inputReady(stdin);
    stdin.write(key);
    await settled();
  }
}

/** Waits until the last frame passes `check` and returns it; fails naming `what`, with the frame. */
export async function until(frame: () => string | undefined, check: (f: string) => boolean, what: string, ms = 30000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const current = frame() ?? "";
    if (check(current)) return current;
    await pause(20);
  }
  assert.fail(`timed out waiting for ${what}; last frame:\n${frame()}`);
}

/** Waits until the screen listens for keys (Ink attaches its stdin listener in an effect after the first frame). */
export async function inputReady(stdin: { listenerCount(event: string): number }, ms = 30000): Promise<void> {
  const deadline = Date.now() + ms;
  while (stdin.listenerCount("readable") === 0 && stdin.listenerCount("data") === 0) {
    if (Date.now() > deadline) assert.fail("timed out waiting for the screen to listen for keys");
    await pause(10);
  }
  // Components' own input handlers attach in the same commit; one more turn lets their effects run.
  await new Promise((resolve) => setImmediate(resolve));
}

/** The stdin of an ink-testing-library render, as the helpers above use it. */
export type TestStdin = { write(s: string): void; listenerCount(event: string): number };
