/**
 * What a person may type wherever a model is named (`--model`, `/model`, `plan`, `fit`,
 * `prompt`): a path to a .gguf, or a model of the library by its name as `taproom models`
 * lists it (with or without .gguf), or by a part of the name only one model has.
 */
import { stat } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { homedir } from "node:os";
import { findModelFiles } from "../engine/library/findModelFiles.ts";
import { didYouMean } from "../core/text/suggest.ts";

/** No file and no library model by that name, or several models it could be: the message says which. */
export class ModelNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ModelNotFoundError";
  }
}

const bare = (name: string) => name.toLowerCase().replace(/\.gguf$/, "");

/** The library names a query picks: an exact name (with or without .gguf) alone, else every name containing it. */
export function matchModelNames(names: string[], query: string): string[] {
  const q = bare(query.trim());
  if (!q) return [];
  const exact = names.filter((n) => bare(n) === q);
  if (exact.length > 0) return exact;
  return names.filter((n) => n.toLowerCase().includes(q));
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

export interface FindModelOptions {
  /** Where a relative path starts. */
  cwd: string;
  /** The library's folders (the models folder first). */
  folders: string[];
}

/** The file to open for `query`: an existing path first, else the one library model it names. */
export async function findModel(query: string, options: FindModelOptions): Promise<string> {
  const typed = query.startsWith("~/") ? `${homedir()}${query.slice(1)}` : query;
  const path = isAbsolute(typed) ? typed : resolve(options.cwd, typed);
  if (await isFile(path)) return path;
  // Typed as a path (a folder in it): a missing file, not a library name.
  if (/[\\/]/.test(query)) throw new ModelNotFoundError(`${path}: file not found`);
  const library = await findModelFiles({ folders: options.folders });
  const found = matchModelNames(library.map((m) => m.name), query);
  if (found.length === 1) return library.find((m) => m.name === found[0])!.paths[0]!;
  if (found.length > 1) throw new ModelNotFoundError(`"${query}" could be ${found.join(", ")}: type more of the name`);
  const names = library.map((m) => m.name);
  const hint = didYouMean(bare(query), names.map(bare));
  const listed = names.length ? `the library (${options.folders[0]}) has ${names.slice(0, 8).join(", ")}${names.length > 8 ? ", …" : ""}` : `the library (${options.folders[0]}) has no models yet`;
  throw new ModelNotFoundError(`no model file or library model named "${query}"${hint}; ${listed}. taproom models lists them`);
}
