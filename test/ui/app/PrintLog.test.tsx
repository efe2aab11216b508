import { test } from "node:test";
import assert from "node:assert/strict";
import React, { useEffect } from "react";
import { Text } from "ink";
import { render } from "ink-testing-library";
import { PrintLogProvider, usePrintLog } from "../../../src/ui/app/PrintLog.tsx";
import { until } from "../../support/frames.ts";

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

test("after the terminal's width settles the screen is cleared and what was printed is printed again, once per drag", async (t) => {
  const app = render(<PrintLogProvider resizeSettleMs={30}><Screen /></PrintLogProvider>);
  // The printed line is drawn by the screen's effect, which runs with the provider's resize listener.
  await until(() => app.frames.join(""), (f) => f.includes("The rain had not stopped"), "the printed line");
  assert.equal(clears(app.frames), 0);
  // The settle delay runs on a mocked clock: a loaded machine cannot make a drag look like two.
  t.mock.timers.enable({ apis: ["setTimeout"] });
  for (const columns of [95, 90, 85, 80]) {
    resizeTo(app.stdout, columns);
    t.mock.timers.tick(10);
  }
  assert.equal(clears(app.frames), 0, "nothing while the width is still changing");
  t.mock.timers.tick(30);
  assert.equal(clears(app.frames), 1, "one clear once it has held still");
  t.mock.timers.reset();
  const after = () => app.frames.slice(app.frames.findIndex((f) => f.includes("\x1b[2J")) + 1).join("");
  await until(after, (f) => f.includes("The rain had not stopped") && f.includes("live input line"), "the printed history and the live region again");
  t.mock.timers.enable({ apis: ["setTimeout"] });
  resizeTo(app.stdout, 80);
  t.mock.timers.tick(1000);
  assert.equal(clears(app.frames), 1, "a resize to the same width (rows only) changes nothing");
  t.mock.timers.reset();
  app.unmount();
});
