import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { dataPaths } from "../paths.ts";

/**
 * Extra folders the user keeps models in, from settings.json's `modelFolders`
 * (a list of paths; relative ones are relative to the data directory). A missing or
 * unreadable settings file means none.
 */
export async function readExtraModelFolders(root: string): Promise<string[]> {
  let settings: unknown;
  try {
    settings = JSON.parse(await readFile(dataPaths(root).settings, "utf8"));
  } catch {
    return [];
  }
  const folders = (settings as { modelFolders?: unknown } | null)?.modelFolders;
  if (!Array.isArray(folders)) return [];
  return folders.filter((f): f is string => typeof f === "string" && f.trim() !== "").map((f) => resolve(root, f));
}
