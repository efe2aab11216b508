// Screen tests poll Ink's frames instead of sleeping a fixed time: a loaded machine
// (CI, two cores) can take far longer to draw than a quiet one.
import assert from "node:assert/strict";

/** A pause between keys: the input listener attaches in an effect, and text and Enter in one read would be a paste. */
export const tick = (ms = 80) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the last frame passes `check` and returns it; fails naming `what`, with the frame. */
export async function until(frame: () => string | undefined, check: (f: string) => boolean, what: string, ms = 30000): Promise<string> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const current = frame() ?? "";
    if (check(current)) return current;
    await tick(20);
  }
  assert.fail(`timed out waiting for ${what}; last frame:\n${frame()}`);
}

/** Waits until the screen listens for keys (Ink attaches its stdin listener in an effect after the first frame). */
export async function inputReady(stdin: { listenerCount(event: string): number }, ms = 30000): Promise<void> {
  const deadline = Date.now() + ms;
  while (stdin.listenerCount("readable") === 0 && stdin.listenerCount("data") === 0) {
    if (Date.now() > deadline) assert.fail("timed out waiting for the screen to listen for keys");
    await tick(10);
  }
  // Components' own input handlers attach in the same commit; one more turn lets their effects run.
  await new Promise((resolve) => setImmediate(resolve));
}
