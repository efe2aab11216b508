import { test } from "node:test";
import assert from "node:assert/strict";
import React, { useEffect } from "react";
import { Text } from "ink";
import { render } from "ink-testing-library";
import { PrintLogProvider, usePrintLog } from "../../../src/ui/app/PrintLog.tsx";
import { tick } from "../../support/frames.ts";

function Screen() {
  const log = usePrintLog();
  useEffect(() => log.print([{ key: "a", node: <Text>The rain had not stopped for three days on the river road.</Text> }]), [log]);
  return <Text>live input line</Text>;
}

const clears = (frames: string[]) => frames.filter((f) => f.includes("\x1b[2J\x1b[3J")).length;

function resizeTo(stdout: NodeJS.EventEmitter, columns: number) {
  Object.defineProperty(stdout, "columns", { value: columns, configurable: true });
  stdout.emit("resize");
}

test("after the terminal's width settles the screen is cleared and what was printed is printed again, once per drag", async () => {
  const app = render(<PrintLogProvider resizeSettleMs={30}><Screen /></PrintLogProvider>);
  await tick(50);
  assert.equal(clears(app.frames), 0);
  for (const columns of [95, 90, 85, 80]) {
    resizeTo(app.stdout, columns);
    await tick(5);
  }
  assert.equal(clears(app.frames), 0, "nothing while the width is still changing");
  await tick(80);
  assert.equal(clears(app.frames), 1, "one clear once it has held still");
  const after = app.frames.slice(app.frames.findIndex((f) => f.includes("\x1b[2J")) + 1);
  assert.ok(after.some((f) => f.includes("The rain had not stopped")), "the printed history comes back");
  assert.ok(after.some((f) => f.includes("live input line")), "and so does the live region");
  resizeTo(app.stdout, 80);
  await tick(80);
  assert.equal(clears(app.frames), 1, "a resize to the same width (rows only) changes nothing");
  app.unmount();
});
