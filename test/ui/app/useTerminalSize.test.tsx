import { test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import React from "react";
import { Text } from "ink";
import { render } from "ink-testing-library";
import { colorEnabled, useTerminalSize } from "../../../src/ui/app/useTerminalSize.ts";

test("NO_COLOR (any non-empty value) and TERM=dumb turn colour off; otherwise the terminal decides", () => {
  assert.equal(colorEnabled({ NO_COLOR: "1" }, { hasColors: () => true }), false);
  assert.equal(colorEnabled({ TERM: "dumb" }, {}), false);
  assert.equal(colorEnabled({}, { hasColors: () => false }), false);
  assert.equal(colorEnabled({ NO_COLOR: "" }, { hasColors: () => true }), true);
});

test("the size follows the terminal's resize event", async () => {
  const stdout = Object.assign(new EventEmitter(), { columns: 80, rows: 24 });
  function Size() {
    const { columns, rows } = useTerminalSize(stdout);
    return <Text>{`${columns}x${rows}`}</Text>;
  }
  const app = render(<Size />);
  assert.equal(app.lastFrame(), "80x24");
  stdout.columns = 120;
  stdout.rows = 40;
  stdout.emit("resize");
  for (const deadline = Date.now() + 30_000; app.lastFrame() !== "120x40" && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 20));
  assert.equal(app.lastFrame(), "120x40");
  app.unmount();
  assert.equal(stdout.listenerCount("resize"), 0);
});
