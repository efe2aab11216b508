import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { downloadFile, type DownloadProgress } from "../../../src/engine/download/downloadFile.ts";
import { fileUrl, listRepoFiles } from "../../../src/engine/download/hubClient.ts";
import { DownloadBusyError, DownloadCancelledError, DownloadInterruptedError, DownloadVerifyError, HubError } from "../../../src/engine/download/errors.ts";
import { startFakeHub, type FakeHubOptions } from "../../support/fakeHub.ts";

const content = randomBytes(200_000);
const repo = "alice/Tiny-GGUF";

async function setup(extra: Partial<FakeHubOptions> = {}, fileOverrides = {}) {
  const hub = await startFakeHub({ repos: { [repo]: { files: [{ path: "tiny-Q4_K_M.gguf", content, ...fileOverrides }] } }, ...extra });
  const dir = await mkdtemp(join(tmpdir(), "taproom-dl-"));
  const options = { endpoint: hub.endpoint };
  const listed = (await listRepoFiles({ hub: options, repo })).find((f) => f.path.endsWith(".gguf"));
  assert.ok(listed);
  const base = {
    hub: options,
    url: fileUrl(options, repo, "tiny-Q4_K_M.gguf"),
    what: `${repo}/tiny-Q4_K_M.gguf`,
    destination: join(dir, "tiny-Q4_K_M.gguf"),
    expectedSize: listed.size,
    ...(listed.sha256 ? { sha256: listed.sha256 } : {}),
  };
  return { hub, dir, base };
}

test("a download reports progress up to the total and lands verified under its final name", async (t) => {
  const { hub, dir, base } = await setup({ chunkDelayMs: 15 });
  t.after(() => hub.close());
  const events: DownloadProgress[] = [];
  const result = await downloadFile({ ...base, onProgress: (p) => events.push(p), progressIntervalMs: 0 });
  assert.deepEqual(await readFile(result.path), content);
  assert.deepEqual(await readdir(dir), ["tiny-Q4_K_M.gguf"]);
  assert.ok(events.length > 5, `only ${events.length} progress events`);
  assert.ok(events.every((e, i) => i === 0 || e.bytes >= events[i - 1]!.bytes));
  const last = events.at(-1)!;
  assert.equal(last.bytes, content.length);
  assert.equal(last.total, content.length);
  assert.ok(events.some((e) => e.bytesPerSecond > 0 && e.etaSeconds !== undefined));
});

test("a dropped connection keeps the .part file and a second run resumes with a Range request", async (t) => {
  const { hub, dir, base } = await setup({ dropOnce: { path: "tiny-Q4_K_M.gguf", afterBytes: 70_000 } });
  t.after(() => hub.close());
  await assert.rejects(downloadFile(base), (e: unknown) => e instanceof DownloadInterruptedError && /run the same command again to resume/.test(e.message));
  assert.deepEqual(await readdir(dir), ["tiny-Q4_K_M.gguf.part"]);
  const result = await downloadFile(base);
  assert.equal(result.resumedFrom, 70_000);
  assert.deepEqual(await readFile(result.path), content);
  assert.ok(hub.requests.some((r) => r.endsWith("range=bytes=70000-") || r.endsWith("bytes=70000-")), hub.requests.join("\n"));
  assert.deepEqual(await readdir(dir), ["tiny-Q4_K_M.gguf"]);
});

test("a server that ignores Range gets the whole file written from the start", async (t) => {
  const { hub, dir, base } = await setup({ ignoreRange: true });
  t.after(() => hub.close());
  await writeFile(`${base.destination}.part`, content.subarray(0, 50_000));
  const result = await downloadFile(base);
  assert.deepEqual(await readFile(result.path), content);
  assert.deepEqual(await readdir(dir), ["tiny-Q4_K_M.gguf"]);
});

test("a wrong sha256 is refused and nothing is left under the final name", async (t) => {
  const { hub, dir, base } = await setup({}, { announcedSha256: "ab".repeat(32) });
  t.after(() => hub.close());
  await assert.rejects(downloadFile(base), (e: unknown) => e instanceof DownloadVerifyError && e.field === "sha256" && /discarded/.test(e.message));
  assert.deepEqual(await readdir(dir), []);
});

test("a wrong size is refused and nothing is left under the final name", async (t) => {
  const { hub, dir, base } = await setup({}, { announcedSize: content.length + 10 });
  t.after(() => hub.close());
  await assert.rejects(downloadFile({ ...base, sha256: undefined as unknown as string }), (e: unknown) => e instanceof DownloadVerifyError && e.field === "size");
  assert.deepEqual(await readdir(dir), []);
});

test("cancelling keeps the .part file for later and throws DownloadCancelledError", async (t) => {
  const { hub, dir, base } = await setup({ chunkDelayMs: 5, chunkSize: 1024 });
  t.after(() => hub.close());
  const controller = new AbortController();
  const run = downloadFile({ ...base, signal: controller.signal, onProgress: (p) => p.bytes > 10_000 && controller.abort(), progressIntervalMs: 0 });
  await assert.rejects(run, DownloadCancelledError);
  assert.deepEqual(await readdir(dir), ["tiny-Q4_K_M.gguf.part"]);
  const resumed = await downloadFile(base);
  assert.ok(resumed.resumedFrom > 10_000);
  assert.deepEqual(await readFile(resumed.path), content);
});

test("404 and 401 are explained in one line", async (t) => {
  const hub = await startFakeHub({ repos: { "bob/Gated-GGUF": { token: "secret", files: [{ path: "g-Q4_K_M.gguf", content }] } } });
  t.after(() => hub.close());
  await assert.rejects(listRepoFiles({ hub: { endpoint: hub.endpoint }, repo: "bob/Missing" }), (e: unknown) => {
    assert.ok(e instanceof HubError);
    assert.equal(e.kind, "not-found");
    assert.match(e.message, /^bob\/Missing: not found/);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
  await assert.rejects(listRepoFiles({ hub: { endpoint: hub.endpoint }, repo: "bob/Gated-GGUF" }), (e: unknown) => {
    assert.ok(e instanceof HubError);
    assert.equal(e.kind, "gated");
    assert.match(e.message, /HTTP 401.*set HF_TOKEN/);
    return true;
  });
  const files = await listRepoFiles({ hub: { endpoint: hub.endpoint, token: "secret" }, repo: "bob/Gated-GGUF" });
  assert.deepEqual(files.map((f) => f.path), ["README.md", "g-Q4_K_M.gguf"]);
});

test("a long listing is followed across the hub's Link pagination", async (t) => {
  const files = Array.from({ length: 7 }, (_, i) => ({ path: `m-${i}-Q4_K_M.gguf`, content: content.subarray(0, 10 + i) }));
  const hub = await startFakeHub({ repos: { [repo]: { files } }, pageSize: 3 });
  t.after(() => hub.close());
  const listed = await listRepoFiles({ hub: { endpoint: hub.endpoint }, repo });
  assert.deepEqual(listed.map((f) => f.path), ["README.md", ...files.map((f) => f.path)]);
  assert.deepEqual(listed.slice(1).map((f) => f.size), [10, 11, 12, 13, 14, 15, 16]);
  assert.equal(hub.requests.length, 3);
});

test("two downloads of one file at once: the second is refused, not interleaved; a dead process's lock is taken over", async (t) => {
  const { hub, dir, base } = await setup({ chunkDelayMs: 5 });
  t.after(() => hub.close());
  // The second starts once the first has bytes coming, however long that takes on a loaded machine.
  let started!: () => void;
  const receiving = new Promise<void>((resolve) => (started = resolve));
  const first = downloadFile({ ...base, onProgress: () => started() });
  await receiving;
  await assert.rejects(downloadFile(base), DownloadBusyError);
  await first;
  assert.deepEqual(await readdir(dir), ["tiny-Q4_K_M.gguf"]);

  const other = join(dir, "again.gguf");
  await writeFile(`${other}.part.lock`, "999999999");
  const result = await downloadFile({ ...base, destination: other });
  assert.deepEqual(await readFile(result.path), content);
  assert.deepEqual((await readdir(dir)).sort(), ["again.gguf", "tiny-Q4_K_M.gguf"]);
});
