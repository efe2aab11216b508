import type { BuiltPrompt } from "./types.ts";

/** What was left out of a prompt to fit its budget, in words; null when everything fit. */
export function trimmingNote(prompt: Pick<BuiltPrompt, "droppedMessages" | "examplesDropped" | "budget">): string | null {
  const parts: string[] = [];
  const n = prompt.droppedMessages;
  if (n > 0) parts.push(`${n} oldest message${n === 1 ? "" : "s"}`);
  if (prompt.examplesDropped) parts.push("the example messages");
  if (parts.length === 0) return null;
  // History is cut in blocks, so the prompt can sit well under its budget: say why.
  return `${parts.join(" and ")} left out (budget ${prompt.budget} tokens, the context minus the reply; history is cut in blocks to keep the KV cache warm)`;
}
