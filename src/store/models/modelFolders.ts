import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { dataPaths } from "../paths.ts";
import { SettingsStore } from "../settings.ts";

/** A folder the user asked to add or remove that cannot be. */
export class ModelFolderError extends Error {
  constructor(readonly folder: string, reason: string) {
    super(`${folder}: ${reason}`);
    this.name = "ModelFolderError";
  }
}

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

/**
 * Adds a folder to settings.json's `modelFolders` (stored absolute, resolved from
 * `cwd`); it must be an existing directory. Adding one already there changes nothing.
 * Returns the folders as readExtraModelFolders then gives them.
 */
export async function addModelFolder(root: string, folder: string, cwd: string = process.cwd()): Promise<string[]> {
  const absolute = resolve(cwd, folder);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new ModelFolderError(absolute, "no such folder");
  if (!info.isDirectory()) throw new ModelFolderError(absolute, "not a folder");
  const store = await SettingsStore.open({ path: dataPaths(root).settings });
  const current = store.settings.modelFolders;
  if (!current.some((f) => resolve(root, f) === absolute)) await store.update({ modelFolders: [...current, absolute] });
  return readExtraModelFolders(root);
}

/** Removes a folder from `modelFolders` (the files in it stay); one not listed is an error. */
export async function removeModelFolder(root: string, folder: string, cwd: string = process.cwd()): Promise<string[]> {
  const absolute = resolve(cwd, folder);
  const store = await SettingsStore.open({ path: dataPaths(root).settings });
  const current = store.settings.modelFolders;
  const kept = current.filter((f) => resolve(root, f) !== absolute);
  if (kept.length === current.length) throw new ModelFolderError(absolute, "not one of the model folders");
  await store.update({ modelFolders: kept });
  return readExtraModelFolders(root);
}
