import { test } from "node:test";
import assert from "node:assert/strict";
import { formatAgo, formatBytes, formatDuration, progressBar } from "../../../src/core/units/format.ts";

test("sizes, durations and bars read as people expect", () => {
  assert.equal(formatBytes(999), "999 B");
  assert.equal(formatBytes(4.58 * 2 ** 30), "4.58 GiB");
  assert.equal(formatBytes(34.8 * 2 ** 30), "34.8 GiB");
  assert.equal(formatBytes(300_000), "293 KiB");
  assert.equal(formatDuration(151), "2m31s");
  assert.equal(formatDuration(3700), "1h01m");
  assert.equal(formatDuration(undefined), "--");
  assert.equal(progressBar(0.5, 10), "[#####.....]");
  assert.equal(progressBar(2, 4), "[####]");
});

test("formatAgo: minutes, hours, days, then the date", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  assert.equal(formatAgo("2026-12-01T11:59:30Z", now), "just now");
  assert.equal(formatAgo("2026-12-01T11:15:00Z", now), "45m ago");
  assert.equal(formatAgo("2026-12-01T02:00:00Z", now), "10h ago");
  assert.equal(formatAgo("2026-11-28T12:00:00Z", now), "3d ago");
  assert.equal(formatAgo("2026-10-01T12:00:00Z", now), "2026-10-01");
  assert.equal(formatAgo("yesterday-ish", now), "yesterday-ish");
});
