import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { dataPaths } from "./paths.ts";

/** The temp files atomic writes leave when the process is killed between write and rename. */
const TEMP = /^\..+\.[0-9a-f]{8}\.tmp$|\.\d+\.tmp$/;
/** Younger temp files may belong to a write under way in another taproom. */
export const STALE_TEMP_AGE_MS = 10 * 60_000;

/** Removes stale temp files from the data folders (not the models folder: not ours to write); returns what it removed. */
export async function removeStaleTemps(root: string, now = Date.now()): Promise<string[]> {
  const p = dataPaths(root);
  const removed: string[] = [];
  for (const dir of [p.root, p.characters, p.lorebooks, p.chats, p.cache]) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => TEMP.test(n))) {
      const file = join(dir, name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile() || now - info.mtimeMs < STALE_TEMP_AGE_MS) continue;
      if (await unlink(file).then(() => true, () => false)) removed.push(file);
    }
  }
  return removed;
}
