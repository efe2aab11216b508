import { estimateParameters, type ArchitectureShape, type QuantInfo } from "../quants/index.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";
import { machineBandwidths, type MachineBandwidths } from "./bandwidth.ts";
import { chooseQuant, type QuantChoice } from "./chooseQuant.ts";
import { machineHasGpu, type FitMachine } from "./machine.ts";
import { rateQuants } from "./rateQuants.ts";
import { shapeForSize, shapeFromFacts, type ShapeSource } from "./shapes.ts";

/** One file (or split set) of a repository, as planning needs it. */
export interface RepoCandidate {
  quant?: QuantInfo;
  totalBytes: number;
  missingParts: number[];
}

export interface RepoChoice<M extends RepoCandidate = RepoCandidate> {
  /** From the GGUF header when read, else estimated from file sizes and bits per weight. */
  parameters: number;
  shape: ArchitectureShape;
  shapeSource: ShapeSource;
  wantedContext: number;
  bandwidths: MachineBandwidths;
  choice: QuantChoice;
  /** The repository model behind choice.chosen. */
  model: M | undefined;
}

export interface ChooseRepoModelOptions<M extends RepoCandidate> {
  models: M[];
  machine: FitMachine;
  contextSize: number;
  /** Metadata read from one of the repository's files (all quants share the architecture). */
  header?: LibraryFacts;
  /** Reading-speed floor in tokens/s. */
  minSpeed?: number;
}

/**
 * Picks the repository file to download for this machine, by the rule of chooseQuant.
 * The hub's listing gives exact file sizes; the architecture (and so the KV cache) comes
 * from a GGUF header when one was read, else from the current GQA shape for the
 * parameter count estimated from sizes and quants (the median over the files).
 */
export function chooseRepoModel<M extends RepoCandidate>(options: ChooseRepoModelOptions<M>): RepoChoice<M> {
  const known = options.models.filter((m) => m.quant && m.missingParts.length === 0);
  const estimates = known.map((m) => estimateParameters(m.totalBytes, m.quant!)).sort((a, b) => a - b);
  const estimated = estimates[Math.floor(estimates.length / 2)] ?? 0;
  const header = options.header;
  // A split file's header counts only its own tensors: keep the size estimate then.
  const parameters = header && header.parameters > estimated * 0.8 ? header.parameters : estimated;
  const { shape, source } = header ? { shape: shapeFromFacts(header, parameters), source: "header" as const } : shapeForSize(Math.max(parameters, 1));
  const wantedContext = Math.min(options.contextSize, shape.trainContext);
  const bandwidths = machineBandwidths(options.machine);
  const candidates = known.map((m) => ({ quant: m.quant!, fileBytes: m.totalBytes }));
  const fits = rateQuants({ shape, candidates, machine: options.machine, contextSize: wantedContext, bandwidths });
  const choice = chooseQuant({ fits, hasGpu: machineHasGpu(options.machine), ...(options.minSpeed !== undefined ? { minSpeed: options.minSpeed } : {}) });
  const model = choice.chosen ? known.find((m) => m.quant === choice.chosen!.quant) : undefined;
  return { parameters, shape, shapeSource: source, wantedContext, bandwidths, choice, model };
}
