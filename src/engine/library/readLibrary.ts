import type { ModelMetadataCache } from "../../store/models/metadataCache.ts";
import { findModelFiles, type ModelFiles } from "./findModelFiles.ts";

/** One model of the library: its files and what its metadata says, or why it could not be read. */
export interface LibraryEntry<F> {
  files: ModelFiles;
  facts?: F;
  /** One line: the file and what is wrong with it ("not a GGUF file", "part 2 of 3 missing"). */
  error?: string;
}

export interface ReadLibraryOptions<F> {
  folders: string[];
  /** Reads a model's metadata from its first part; throws with a one-line message. */
  readFacts: (path: string) => Promise<F>;
  cache?: ModelMetadataCache<F>;
}

/**
 * Finds the models below the folders and reads their metadata (cached by path, size
 * and mtime). A broken file becomes an entry with an error; it never stops the scan.
 */
export async function readLibrary<F>(options: ReadLibraryOptions<F>): Promise<Array<LibraryEntry<F>>> {
  const found = await findModelFiles({ folders: options.folders });
  const entries: Array<LibraryEntry<F>> = [];
  for (const files of found) entries.push(await readEntry(files, options));
  await options.cache?.save(found.map((f) => f.paths[0]!));
  return entries.sort((a, b) => a.files.name.localeCompare(b.files.name));
}

async function readEntry<F>(files: ModelFiles, options: ReadLibraryOptions<F>): Promise<LibraryEntry<F>> {
  const first = files.paths[0]!;
  if (files.missingParts.length > 0) {
    const missing = files.missingParts.join(", ");
    return { files, error: `${first}: split model missing part(s) ${missing} of ${files.parts}` };
  }
  const cached = options.cache?.get(first, files.totalBytes, files.mtimeMs);
  if (cached) return cached.error !== undefined ? { files, error: cached.error } : { files, facts: cached.facts as F };
  try {
    const facts = await options.readFacts(first);
    options.cache?.set({ path: first, size: files.totalBytes, mtimeMs: files.mtimeMs, facts });
    return { files, facts };
  } catch (error) {
    const message = oneLine(error instanceof Error ? error.message : String(error));
    const text = message.includes(first) ? message : `${first}: ${message}`;
    options.cache?.set({ path: first, size: files.totalBytes, mtimeMs: files.mtimeMs, error: text });
    return { files, error: text };
  }
}

function oneLine(text: string): string {
  return text.split("\n")[0]!.trim();
}
