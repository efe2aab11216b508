import { mkdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";

/**
 * One writer per chat: a lock directory beside the chat (mkdir is atomic on every
 * file system we run on) with its owner inside. A lock whose process is gone (same
 * machine), or whose owner stopped refreshing it, is stale and taken over. A live
 * owner on this machine is given far longer than its refresh interval: a loaded
 * machine can delay a heartbeat, and taking a live writer's lock would lose messages.
 */
export interface LockOwner {
  pid: number;
  host: string;
  since: string;
  /** What holds it, for the message a second writer sees ("taproom chat", "the chat screen"). */
  purpose: string;
  token: string;
}

export interface ChatLockOptions {
  /** How long a second writer waits for the lock before it is refused; 0 refuses at once. */
  waitMs?: number;
  purpose?: string;
  /** A lock not refreshed for this long is stale (its owner's machine died); ten times this for a live process here (it hung). */
  staleMs?: number;
}

export class ChatLockedError extends Error {
  constructor(readonly file: string, readonly owner: LockOwner | undefined) {
    const who = owner ? `${owner.purpose} (process ${owner.pid}${owner.host !== hostname() ? ` on ${owner.host}` : ""}, since ${owner.since})` : "another taproom";
    super(`${file}: this chat is being written by ${who}; try again when it is done`);
    this.name = "ChatLockedError";
  }
}

const DEFAULT_STALE_MS = 60_000;
/** How often a held lock is refreshed, whatever staleMs is. */
const HEARTBEAT_MS = 10_000;

export interface ChatLock {
  readonly path: string;
  release(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function readOwner(path: string): Promise<{ owner?: LockOwner; ageMs: number } | undefined> {
  const info = await stat(`${path}/owner.json`).catch(() => undefined) ?? await stat(path).catch(() => undefined);
  if (!info) return undefined;
  const owner = await readFile(`${path}/owner.json`, "utf8").then((t) => JSON.parse(t) as LockOwner, () => undefined);
  return { ...(owner && { owner }), ageMs: Date.now() - info.mtimeMs };
}

/** A lock of this very process (a handle left open) is taken over: one process coordinates its own handles. */
function isStale(found: { owner?: LockOwner; ageMs: number }, staleMs: number): boolean {
  if (found.owner && found.owner.host === hostname()) {
    if (found.owner.pid === process.pid || !alive(found.owner.pid)) return true;
    // Alive: stale only when it has not refreshed for very long (hung, or its pid reused by another program).
    return found.ageMs > staleMs * 10;
  }
  return found.ageMs > staleMs;
}

export async function acquireChatLock(path: string, file: string, options: ChatLockOptions = {}): Promise<ChatLock> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const deadline = Date.now() + (options.waitMs ?? 0);
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString(), purpose: options.purpose ?? "taproom", token: randomBytes(8).toString("hex") };
  for (let pause = 20; ; pause = Math.min(pause * 2, 500)) {
    try {
      await mkdir(path);
      await writeFile(`${path}/owner.json`, JSON.stringify(owner));
      return held(path, owner, staleMs);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const found = await readOwner(path);
    if (found && isStale(found, staleMs)) {
      // Renamed aside first: of two processes taking over one stale lock, only one rename succeeds.
      const again = await readOwner(path);
      if (again && again.owner?.token === found.owner?.token) {
        const aside = `${path}.stale-${randomBytes(4).toString("hex")}`;
        if (await rename(path, aside).then(() => true, () => false)) await rm(aside, { recursive: true, force: true });
      }
      continue;
    }
    if (Date.now() >= deadline) throw new ChatLockedError(file, found?.owner);
    await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(1, deadline - Date.now()))));
  }
}

function held(path: string, owner: LockOwner, staleMs: number): ChatLock {
  const beat = setInterval(() => {
    const now = new Date();
    void utimes(`${path}/owner.json`, now, now).catch(() => undefined);
  }, Math.max(100, Math.min(HEARTBEAT_MS, staleMs / 6)));
  beat.unref();
  let released = false;
  return {
    path,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      const found = await readOwner(path);
      if (found?.owner?.token === owner.token) await rm(path, { recursive: true, force: true });
    },
  };
}
