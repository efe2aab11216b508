/**
 * How much of the prompt is re-evaluated each turn of a 100-turn roleplay, taproom's
 * prompt building against a naive one (trim one message at a time, lore inserted
 * early in the story string). "Evaluated" is the prompt's tokens minus the longest
 * common prefix with the previous sequence, which llama.cpp reuses from its KV cache.
 */
import { CONTEXT, makeTokenizer, NAIVE, replayChat, RESPONSE, TAPROOM, TURNS, type TurnFigures } from "./support/prefixReuse.ts";

export default async function kvReuse(): Promise<void> {
  const tokenize = makeTokenizer();
  const ours = replayChat(TAPROOM, tokenize);
  const naive = replayChat(NAIVE, tokenize);
  console.log(`${TURNS} turns, context ${CONTEXT}, reply ${RESPONSE}; ChatML; lorebook entries come and go`);
  console.log("tokens: a word-level stand-in tokenizer (kvReuseEngine runs the same chat on llama.cpp); cache: longest common prefix");
  console.log("prompt tokens evaluated per turn (longest common prefix reused, as llama.cpp does):");
  console.log("turn  prompt   new  taproom  naive");
  ours.forEach((t, i) => {
    const n = naive[i]!;
    console.log(`${String(i + 1).padStart(4)} ${String(t.promptTokens).padStart(7)} ${String(t.newTokens).padStart(5)} ${String(t.evaluated).padStart(8)} ${String(n.evaluated).padStart(6)}`);
  });
  const sum = (list: TurnFigures[], key: keyof TurnFigures) => list.reduce((s, t) => s + t[key], 0);
  const evaluated = sum(ours, "evaluated");
  const naiveEvaluated = sum(naive, "evaluated");
  const fresh = sum(naive, "promptTokens");
  console.log(`total new tokens:            ${sum(ours, "newTokens")}`);
  console.log(`total evaluated, taproom:    ${evaluated}`);
  console.log(`total evaluated, naive:      ${naiveEvaluated}`);
  console.log(`total, naive with no reuse:  ${fresh}`);
  console.log(`ratio taproom / new tokens:  ${(evaluated / sum(ours, "newTokens")).toFixed(2)}`);
  console.log(`ratio naive / taproom:       ${(naiveEvaluated / evaluated).toFixed(2)}`);
  console.log(`ratio no-reuse / taproom:    ${(fresh / evaluated).toFixed(2)}`);
}
