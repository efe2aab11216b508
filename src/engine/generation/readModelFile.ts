import { stat } from "node:fs/promises";
import { readModelFacts, ModelMetadataError, type LibraryFacts } from "../library/readModelFacts.ts";
import { ModelLoadError } from "./errors.ts";

/** The checks before llama.cpp sees a file: it exists, and its metadata is safe to load. */
export async function readModelFile(path: string): Promise<{ facts: LibraryFacts; fileBytes: number }> {
  const fileBytes = await stat(path).then(
    (s) => s.size,
    () => {
      throw new ModelLoadError(path, "file not found");
    },
  );
  try {
    return { facts: await readModelFacts(path), fileBytes };
  } catch (error) {
    if (error instanceof ModelMetadataError) throw new ModelLoadError(path, error.message.replace(`${path}: `, ""));
    throw error;
  }
}
