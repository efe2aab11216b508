import type { ChatServices, GenerateRequest, GenerateResult } from "../../src/ui/app/services.ts";
import type { SamplerSettings } from "../../src/core/samplers/types.ts";

export const testSamplers: SamplerSettings = {
  temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, repeatLastN: 64, frequencyPenalty: 0, presencePenalty: 0,
  dryMultiplier: 0, dryBase: 1.75, dryAllowedLength: 2, dryLastN: -1, drySequenceBreakers: [], xtcProbability: 0, xtcThreshold: 0.1, seed: -1, maxTokens: 200,
};

/**
 * In-memory services: each reply is scripted as a list of chunks. With `hold`, the
 * generation waits after the first chunk until released or aborted (to test stop).
 */
export function scriptedServices(replies: string[][], opts: { hold?: boolean; fail?: string } = {}) {
  const requests: GenerateRequest[] = [];
  let release: () => void = () => {};
  const services: ChatServices = {
    modelStatus: () => ({ model: "tiny.gguf", backend: "cpu", contextUsed: 12, contextSize: 512 }),
    async generate(request): Promise<GenerateResult> {
      requests.push(request);
      if (opts.fail) throw new Error(opts.fail);
      const chunks = replies[requests.length - 1] ?? ["…"];
      let text = "";
      for (const [i, chunk] of chunks.entries()) {
        text += chunk;
        request.onText(text);
        if (i === 0 && opts.hold) {
          await new Promise<void>((resolve) => {
            release = resolve;
            request.signal.addEventListener("abort", () => resolve());
          });
        }
        if (request.signal.aborted) return { text, stopReason: "abort", tokens: i + 1, tokensPerSecond: 10 };
      }
      return { text, stopReason: "eos", tokens: chunks.length, tokensPerSecond: 42 };
    },
  };
  return { services, requests, release: () => release() };
}
