import { stat } from "node:fs/promises";
import { readModelFacts, ModelMetadataError, type LibraryFacts } from "../library/readModelFacts.ts";
import { ModelLoadError } from "./errors.ts";
import { modelFileBytes } from "../library/modelFileBytes.ts";

/** The checks before llama.cpp sees a file: it exists, and its metadata is safe to load; the size counts every part. */
export async function readModelFile(path: string): Promise<{ facts: LibraryFacts; fileBytes: number }> {
  await stat(path).catch(() => {
    throw new ModelLoadError(path, "file not found");
  });
  try {
    return { facts: await readModelFacts(path), fileBytes: await modelFileBytes(path) };
  } catch (error) {
    if (error instanceof ModelMetadataError) throw new ModelLoadError(path, error.message.replace(`${path}: `, ""));
    throw error;
  }
}
