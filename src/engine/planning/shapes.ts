import { typicalArchitecture, type ArchitectureShape } from "../quants/index.ts";
import type { LibraryFacts } from "../library/readModelFacts.ts";

/** Where a plan's model shape came from, said to the user. */
export type ShapeSource = "header" | "named" | "assumed";

/** A model's shape as its GGUF header gives it. */
export function shapeFromFacts(facts: LibraryFacts, parameters = facts.parameters): ArchitectureShape {
  return {
    id: facts.architecture,
    like: facts.name ?? facts.architecture,
    parameters,
    layers: facts.layers,
    embedding: facts.embedding,
    heads: facts.heads,
    kvHeads: facts.kvHeads,
    ...(facts.headDim ? { headDim: facts.headDim } : {}),
    feedForward: facts.feedForward,
    // A header without token_embd (split files) still needs a logits buffer.
    vocab: facts.vocab > 0 ? facts.vocab : 32000,
    trainContext: facts.trainContext,
  };
}

/**
 * The shape to plan a model of this size with: the named one, else a current GQA shape
 * for the size (typicalArchitecture), with `kvHeads` replacing its KV head count.
 */
export function shapeForSize(parameters: number, options: { named?: ArchitectureShape; kvHeads?: number } = {}): { shape: ArchitectureShape; source: ShapeSource } {
  const base = options.named ?? typicalArchitecture(parameters);
  const shape = { ...base, parameters, ...(options.kvHeads ? { kvHeads: options.kvHeads } : {}) };
  return { shape, source: options.named ? "named" : "assumed" };
}
