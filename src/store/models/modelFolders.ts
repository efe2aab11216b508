import { readFile } from "node:fs/promises";
import { dataPaths } from "../paths.ts";

/**
 * Extra folders the user keeps models in, from settings.json's `modelFolders`
 * (a list of paths). A missing or unreadable settings file means none.
 */
export async function readExtraModelFolders(root: string): Promise<string[]> {
  let settings: unknown;
  try {
    settings = JSON.parse(await readFile(dataPaths(root).settings, "utf8"));
  } catch {
    return [];
  }
  const folders = (settings as { modelFolders?: unknown } | null)?.modelFolders;
  return Array.isArray(folders) ? folders.filter((f): f is string => typeof f === "string" && f.trim() !== "") : [];
}
