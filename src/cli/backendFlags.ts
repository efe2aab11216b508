/** `--backend URL --api NAME [--api-key KEY] [--remote-model NAME]`: chat through a server instead of the embedded model. */
import { REMOTE_APIS, type RemoteApi, type RemoteBackendOptions } from "../app/backends.ts";
import { UsageError } from "./command.ts";

export const backendFlagOptions = {
  backend: { type: "string" },
  api: { type: "string" },
  "api-key": { type: "string" },
  "remote-model": { type: "string" },
  tokenizer: { type: "string" },
} as const;

export const backendFlagUsage = `Remote backend (instead of --model):
  --backend URL          a running server: taproom serve, KoboldCpp, llama-server, Ollama, TabbyAPI, vLLM...
  --api NAME             what it speaks: ${REMOTE_APIS.join(" | ")}
  --api-key KEY          sent as "Authorization: Bearer KEY" (or TAPROOM_BACKEND_KEY)
  --remote-model NAME    the model to ask for (OpenAI, Ollama, Tabby, vLLM; default the server's first)
  --tokenizer FILE.gguf  the same model's GGUF: exact token counts where the server has no tokenize route
                         (OpenAI, Ollama), and its chat template for --template auto`;

export function readBackendFlags(
  v: { backend?: string; api?: string; "api-key"?: string; "remote-model"?: string; tokenizer?: string },
  env: NodeJS.ProcessEnv,
  contextSize?: number,
): RemoteBackendOptions | undefined {
  if (v.backend === undefined) {
    if (v.api !== undefined || v["remote-model"] !== undefined || v.tokenizer !== undefined) throw new UsageError("--api, --remote-model and --tokenizer go with --backend URL");
    return undefined;
  }
  if (v.api === undefined) throw new UsageError(`--backend needs --api ${REMOTE_APIS.join("|")}`);
  if (!(REMOTE_APIS as readonly string[]).includes(v.api)) throw new UsageError(`--api must be one of ${REMOTE_APIS.join(", ")}, got "${v.api}"`);
  const apiKey = v["api-key"] ?? (env.TAPROOM_BACKEND_KEY || undefined);
  return {
    url: v.backend,
    api: v.api as RemoteApi,
    ...(apiKey !== undefined && { apiKey }),
    ...(v["remote-model"] !== undefined && { model: v["remote-model"] }),
    ...(v.tokenizer !== undefined && { tokenizer: v.tokenizer }),
    ...(contextSize !== undefined && { contextSize }),
  };
}
