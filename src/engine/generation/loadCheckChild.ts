/**
 * Run in a child process by loadCheck.ts: loads a model file the way the chat would
 * (on the CPU, a small context) and evaluates two tokens. A file that makes llama.cpp
 * abort kills this process, not the chat.
 */
import { getLlamaFor } from "../runtime/llama.ts";

async function main(): Promise<void> {
  const path = process.argv[2]!;
  const llama = await getLlamaFor("cpu");
  const model = await llama.loadModel({ modelPath: path, gpuLayers: 0 });
  const context = await model.createContext({ contextSize: 256, threads: 1, sequences: 1 });
  const tokens = model.tokenize("Hi", true).slice(0, 2);
  const sequence = context.getSequence();
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  for await (const _ of sequence.evaluate(tokens.length ? tokens : [0 as never], { temperature: 0 })) break;
  await context.dispose();
  await model.dispose();
}

main().then(
  () => process.send?.({ ok: true }, () => process.exit(0)),
  (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? error.message.split("\n")[0] : String(error) }, () => process.exit(0)),
);
