import { basename } from "node:path";
import type { AppServices } from "./services.ts";
import type { TuiOptions } from "../../cli/commands/tuiCommand.ts";

/** Generation was asked for but no engine/model can serve it; the chat shows the reason. */
export class NoEngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NoEngineError";
  }
}

/**
 * The real layers behind the TUI. The engine (loadModel/generate) has not landed on
 * main yet: until it does, generation fails with a one-line reason the chat shows,
 * and the typed text goes back into the input.
 */
export function createServices(options: TuiOptions): AppServices {
  return {
    modelStatus: () => ({ model: options.model ? basename(options.model) : null, backend: options.gpu ?? "auto", contextUsed: 0, contextSize: options.contextSize ?? 0 }),
    async generate() {
      throw new NoEngineError(options.model ? "the llama engine is not part of this build yet" : "no model loaded; start taproom with --model FILE");
    },
  };
}
