import { openModelMetadataCache } from "../../store/models/metadataCache.ts";
import type { FitMachine } from "../planning/machine.ts";
import { readLibrary } from "./readLibrary.ts";
import { readModelFacts, type LibraryFacts } from "./readModelFacts.ts";
import { modelVerdict, type ModelVerdict } from "../planning/modelVerdict.ts";

/** One model of the library as `taproom models` and the model screen show it. */
export interface LibraryModel {
  /** File name, or a split model's base name. */
  name: string;
  /** Parts in order; open the first. */
  paths: string[];
  sizeBytes: number;
  parts: number;
  architecture?: string;
  parameters?: number;
  quant?: string;
  trainContext?: number;
  layers?: number;
  chatTemplate?: string;
  verdict?: ModelVerdict;
  /** Set instead of the facts when the file cannot be used: one line naming the file. */
  error?: string;
}

export interface ScanModelLibraryOptions {
  folders: string[];
  machine: FitMachine;
  /** Context to judge fit with; default 8192 (capped at each model's train context). */
  contextSize?: number;
  /** The metadata cache file; no cache when absent. */
  cachePath?: string;
  /** Replaces the GGUF reader (tests count reads through it). */
  readFacts?: (path: string) => Promise<LibraryFacts>;
}

/** Scans the folders and judges every model against the machine. Broken files are listed, never fatal. */
export async function scanModelLibrary(options: ScanModelLibraryOptions): Promise<LibraryModel[]> {
  const cache = options.cachePath ? await openModelMetadataCache<LibraryFacts>(options.cachePath) : undefined;
  const entries = await readLibrary({ folders: options.folders, readFacts: options.readFacts ?? readModelFacts, ...(cache ? { cache } : {}) });
  return entries.map(({ files, facts, error }) => {
    const base = { name: files.name, paths: files.paths, sizeBytes: files.totalBytes, parts: files.parts };
    if (!facts) return { ...base, error: error ?? `${files.paths[0]}: unreadable` };
    const verdict = modelVerdict({ facts, fileBytes: files.totalBytes, machine: options.machine, contextSize: options.contextSize ?? 8192 });
    return {
      ...base,
      architecture: facts.architecture,
      parameters: facts.parameters,
      ...(facts.quant ? { quant: facts.quant } : {}),
      trainContext: facts.trainContext,
      layers: facts.layers,
      ...(facts.chatTemplate ? { chatTemplate: facts.chatTemplate } : {}),
      verdict,
    };
  });
}
