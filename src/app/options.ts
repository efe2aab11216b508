import type { GpuChoice } from "../engine/runtime/llama.ts";

/** How models are loaded: what the person asked for on the command line (the planner decides the rest). */
export interface RuntimeOptions {
  /** The models folder; default the data directory's models/. */
  modelsDir?: string;
  gpu?: GpuChoice;
  contextSize?: number;
  gpuLayers?: number;
  threads?: number;
}

/** How the interactive app starts: a model to load behind the first screen, a character to open. */
export interface StartOptions extends RuntimeOptions {
  model?: string;
  character?: string;
}

export type { GpuChoice };
