import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";

export interface FakeHubFile {
  path: string;
  content: Uint8Array;
  /** Announce this sha256 instead of the real one (to test a refused hash). */
  announcedSha256?: string;
  /** Announce this size instead of the real one. */
  announcedSize?: number;
}

export interface FakeHubRepo {
  files: FakeHubFile[];
  /** Requests without `Authorization: Bearer <token>` get 401 (a gated repo). */
  token?: string;
}

export interface FakeHubOptions {
  repos: Record<string, FakeHubRepo>;
  /** Cut the connection after this many bytes of the named file's body, once. */
  dropOnce?: { path: string; afterBytes: number };
  /** Cut every response for the named file after this many more bytes (a flaky link). */
  dropEvery?: { path: string; bytes: number };
  /** Answer Range requests with the whole file (200), as some servers do. */
  ignoreRange?: boolean;
  /** Split the tree listing into pages of this many entries, linked with `Link: <...>; rel="next"`. */
  pageSize?: number;
  /** Delay between body chunks, to give a cancel time to land. */
  chunkDelayMs?: number;
  chunkSize?: number;
}

export interface FakeHub {
  endpoint: string;
  /** "METHOD path range?" of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A local stand-in for huggingface.co: the tree API and resolve downloads with Range. */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const requests: string[] = [];
  let dropped = false;
  /** Responses under way, each with a promise that settles when it closes. */
  const open = new Map<ServerResponse, Promise<void>>();
  const server = createServer((req, res) => {
    open.set(res, new Promise((done) => res.on("close", () => {
      open.delete(res);
      done();
    })));
    requests.push(`${req.method} ${req.url}${req.headers.range ? ` ${req.headers.range}` : ""}`);
    void handle(req, res).catch(() => res.destroy());
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/main$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url.pathname);
    const repoName = tree?.[1] ?? resolve?.[1];
    const repo = repoName ? options.repos[repoName] : undefined;
    if (!repo) return notFound(res, "RepoNotFound");
    if (repo.token && req.headers.authorization !== `Bearer ${repo.token}`) {
      res.writeHead(401, { "x-error-code": "GatedRepo", "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: "Access to model is restricted" }));
    }
    if (tree) return listing(res, repo, Number(url.searchParams.get("cursor") ?? 0), url);
    const path = decodeURIComponent(resolve?.[2] ?? "");
    const file = repo.files.find((f) => f.path === path);
    if (!file) return notFound(res, "EntryNotFound");
    await sendFile(req, res, file);
  }

  function listing(res: ServerResponse, repo: FakeHubRepo, cursor: number, url: URL): void {
    const entries = repo.files.map((f) => {
      const sha = f.announcedSha256 ?? createHash("sha256").update(f.content).digest("hex");
      const size = f.announcedSize ?? f.content.byteLength;
      return { type: "file", oid: createHash("sha1").update(f.path).digest("hex"), size, path: f.path, lfs: { oid: sha, size, pointerSize: 134 } };
    });
    const all = [{ type: "directory", oid: "1", size: 0, path: "docs" }, { type: "file", oid: "0", size: 12, path: "README.md" }, ...entries];
    const size = options.pageSize ?? all.length;
    const page = all.slice(cursor, cursor + size);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (cursor + size < all.length) headers.link = `<${url.pathname}?recursive=true&cursor=${cursor + size}>; rel="next"`;
    res.writeHead(200, headers);
    res.end(JSON.stringify(page));
  }

  async function sendFile(req: IncomingMessage, res: ServerResponse, file: FakeHubFile): Promise<void> {
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
    let start = 0;
    let total = file.content.byteLength;
    if (range && !options.ignoreRange) {
      start = Number(range[1]);
      if (start >= total) {
        res.writeHead(416, { "content-range": `bytes */${total}` });
        return void res.end();
      }
      const last = range[2] ? Math.min(Number(range[2]), total - 1) : total - 1;
      res.writeHead(206, { "content-length": last - start + 1, "content-range": `bytes ${start}-${last}/${total}`, "accept-ranges": "bytes" });
      total = last + 1;
    } else {
      res.writeHead(200, { "content-length": file.content.byteLength, "accept-ranges": "bytes" });
    }
    const drop =
      !dropped && options.dropOnce?.path === file.path
        ? options.dropOnce.afterBytes
        : options.dropEvery?.path === file.path && start + options.dropEvery.bytes < total
          ? start + options.dropEvery.bytes
          : undefined;
    const chunk = options.chunkSize ?? 4096;
    for (let at = start; at < total; at += chunk) {
      if (res.destroyed) return;
      const end = Math.min(total, at + chunk);
      if (drop !== undefined && end > drop) {
        if (options.dropOnce?.path === file.path) dropped = true;
        // The bytes before the cut reach the client whole: flushed to the socket, then the connection ends (FIN, not a reset).
        await new Promise<void>((r) => res.write(file.content.subarray(at, drop), () => r()));
        return void (res.socket ? res.socket.end() : res.destroy());
      }
      res.write(file.content.subarray(at, end));
      if (options.chunkDelayMs) await new Promise((r) => setTimeout(r, options.chunkDelayMs));
    }
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    // Responses under way finish first (a generous limit for a stuck client), then idle connections go.
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      let timer: NodeJS.Timeout | undefined;
      let late = false;
      const limit = new Promise<void>((done) => (timer = setTimeout(() => done(void (late = true)), 30_000)));
      // A kept-alive connection may still bring a request: wait again for any that came meanwhile.
      while (open.size > 0 && !late) await Promise.race([Promise.all(open.values()), limit]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
    },
  };
}

function notFound(res: ServerResponse, code: string): void {
  res.writeHead(404, { "x-error-code": code, "content-type": "application/json" });
  res.end(JSON.stringify({ error: code }));
}
