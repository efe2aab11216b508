import { stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { findModelFiles } from "./findModelFiles.ts";

/**
 * The bytes a model occupies: all parts of a split model (found beside the given
 * part), else the file's own size. Planning from part 1 alone would think a 70B small.
 */
export async function modelFileBytes(path: string): Promise<number> {
  const absolute = resolve(path);
  const found = await findModelFiles({ folders: [dirname(absolute)], maxDepth: 0 });
  const entry = found.find((files) => files.paths.some((p) => resolve(p) === absolute));
  return entry?.totalBytes ?? (await stat(absolute)).size;
}
