import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import React, { useEffect, useState } from "react";

// Ink decides as it loads whether it runs under CI, and then draws the live region only at
// exit; the app clears these before loading Ink (tuiCommand), and so must this test.
for (const key of ["CI", "CONTINUOUS_INTEGRATION"]) delete process.env[key];
const { render, Text } = await import("ink");
const { PrintLogProvider, usePrintLog } = await import("../../../src/ui/app/PrintLog.tsx");
const { inkPrintedOutputReady } = await import("../../../src/ui/app/inkPrintedOutput.ts");

/** A 80x10 terminal that keeps what was written to it. */
class Terminal extends EventEmitter {
  columns = 80;
  rows = 10;
  isTTY = true;
  writes: string[] = [];
  write(chunk: string) {
    this.writes.push(chunk);
    return true;
  }
}

const TRANSCRIPT = "The keeper pours tea and tells you about the wreck.";

/** Prints the transcript once per `epoch` (a reprint clears first); `tall` makes the live region fill the terminal. */
function Screen({ epoch, tall }: { epoch: number; tall: number }) {
  const log = usePrintLog();
  useEffect(() => {
    if (epoch > 0) log.reset();
    log.print([{ key: `t${epoch}`, node: <Text>{TRANSCRIPT}</Text> }]);
  }, [epoch, log]);
  return <Text>{Array.from({ length: tall }, (_, i) => `live row ${i}`).join("\n")}</Text>;
}

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

test("after the transcript is printed again, a full-screen redraw shows it once, not once per printing", async () => {
  await inkPrintedOutputReady;
  const terminal = new Terminal();
  let set: (next: { epoch: number; tall: number }) => void = () => {};
  function Harness() {
    const [state, setState] = useState({ epoch: 0, tall: 1 });
    set = setState;
    return <PrintLogProvider><Screen {...state} /></PrintLogProvider>;
  }
  const app = render(<Harness />, { stdout: terminal as unknown as NodeJS.WriteStream, patchConsole: false, exitOnCtrlC: false, maxFps: 1000 });
  const count = () => terminal.writes.join("").split(TRANSCRIPT).length - 1;
  await until(() => count() === 1, "the first printing");
  for (const epoch of [1, 2]) {
    set({ epoch, tall: 1 });
    await until(() => count() === epoch + 1, `printing ${epoch + 1}`);
  }
  // A live region as tall as the terminal makes Ink clear it and write all it printed again.
  set({ epoch: 2, tall: 12 });
  await until(() => terminal.writes.join("").includes("live row 11"), "the tall live region");
  const before = terminal.writes.length;
  set({ epoch: 2, tall: 13 });
  await until(() => terminal.writes.slice(before).join("").includes("live row 12"), "the redraw");
  const redraw = terminal.writes.slice(before).join("");
  assert.equal(redraw.split(TRANSCRIPT).length - 1, 1, "the transcript once, as last printed");
  app.unmount();
});
