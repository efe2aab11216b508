import { test } from "node:test";
import assert from "node:assert/strict";
import { createDownloadProgressReporter, progressLine } from "../../src/cli/downloadProgress.ts";

const at = (bytes: number) => ({ file: "/m/x.gguf", bytes, total: 4.6 * 2 ** 30, bytesPerSecond: 23.4 * 2 ** 20, etaSeconds: (4.6 * 2 ** 30 - bytes) / (23.4 * 2 ** 20), part: 1, parts: 2 });

test("a progress line shows percent, sizes, speed, ETA and the part", () => {
  assert.equal(progressLine(at(1.93 * 2 ** 30), true), "[##########..............]  41%  1.93 GiB / 4.60 GiB  23.4 MiB/s  ETA 1m57s  part 1/2");
});

test("on a terminal the bar is redrawn in place; elsewhere plain lines come at most every interval, and the last always", () => {
  let tty = "";
  const bar = createDownloadProgressReporter({ write: (t) => (tty += t), isTTY: true });
  bar.update(at(1e9));
  bar.update(at(2e9));
  bar.finish();
  assert.equal(tty.split("\r").length, 3);
  assert.ok(tty.endsWith("\n"));

  let plain = "";
  let clock = 0;
  const log = createDownloadProgressReporter({ write: (t) => (plain += t), isTTY: false, plainIntervalMs: 5000, now: () => clock });
  log.update(at(1e9));
  clock = 1000;
  log.update(at(2e9));
  clock = 6000;
  log.update(at(3e9));
  clock = 6500;
  log.update(at(4.6 * 2 ** 30));
  log.finish();
  const lines = plain.trimEnd().split("\n");
  assert.equal(lines.length, 3);
  assert.doesNotMatch(plain, /\r|\[#/);
  assert.match(lines[2]!, /^100%  4\.60 GiB \/ 4\.60 GiB/);
});
