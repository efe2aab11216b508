/** A model that could not be loaded: one line a person can act on; the app keeps running. */
export class ModelLoadError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}`);
    this.name = "ModelLoadError";
  }
}

/** The prompt does not leave room for the reply in the context window. */
export class ContextOverflowError extends Error {
  constructor(
    readonly promptTokens: number,
    readonly contextSize: number,
  ) {
    super(`the prompt has ${promptTokens} tokens, which leaves no room for a reply in a context of ${contextSize}`);
    this.name = "ContextOverflowError";
  }
}

/** The user stopped a load (Esc on the model screen); nothing stays allocated. */
export class ModelLoadCancelledError extends Error {
  constructor(readonly path: string) {
    super(`${path}: loading cancelled`);
    this.name = "ModelLoadCancelledError";
  }
}

/** The chat's GBNF grammar could not be read: llama.cpp's reason, in one line. */
export class GrammarError extends Error {
  constructor(readonly reason: string) {
    super(`the sampler grammar could not be read: ${reason}`);
    this.name = "GrammarError";
  }
}
