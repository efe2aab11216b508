/**
 * SillyTavern keeps a message's reasoning (extra.reasoning*) and its summary
 * (extra.memory) inside the message's `extra` object; taproom keeps them as fields of
 * their own (Swipe.reasoning, ChatMessage.memory). These move them between the two,
 * taking only values of the right type, so anything else stays in `extra` as it was.
 */
import type { Reasoning } from "./types.ts";

const REASONING_TYPES = new Set(["model", "parsed", "manual", "edited"]);

const KEYS = {
  text: "reasoning",
  durationMs: "reasoning_duration",
  type: "reasoning_type",
  displayText: "reasoning_display_text",
  signature: "reasoning_signature",
} as const;

/** The reasoning in an ST `extra`, and the `extra` without it; none unless `reasoning` is text. */
export function takeReasoning(extra: Record<string, unknown> | undefined): { reasoning?: Reasoning; rest: Record<string, unknown> | undefined } {
  if (!extra || typeof extra.reasoning !== "string") return { rest: extra };
  const rest = { ...extra };
  const reasoning: Reasoning = { text: extra.reasoning };
  delete rest.reasoning;
  const duration = extra.reasoning_duration;
  if (duration === null || (typeof duration === "number" && Number.isFinite(duration))) {
    reasoning.durationMs = duration;
    delete rest.reasoning_duration;
  }
  if (typeof extra.reasoning_type === "string" && REASONING_TYPES.has(extra.reasoning_type)) {
    reasoning.type = extra.reasoning_type as Reasoning["type"];
    delete rest.reasoning_type;
  }
  if (typeof extra.reasoning_display_text === "string") {
    reasoning.displayText = extra.reasoning_display_text;
    delete rest.reasoning_display_text;
  }
  if (typeof extra.reasoning_signature === "string") {
    reasoning.signature = extra.reasoning_signature;
    delete rest.reasoning_signature;
  }
  return { reasoning, rest };
}

/** The ST `extra` with the reasoning written in (a new one when there was none). */
export function putReasoning(extra: Record<string, unknown> | undefined, reasoning: Reasoning | undefined): Record<string, unknown> | undefined {
  if (!reasoning) return extra;
  const out: Record<string, unknown> = { ...extra, [KEYS.text]: reasoning.text };
  if (reasoning.durationMs !== undefined) out[KEYS.durationMs] = reasoning.durationMs;
  if (reasoning.type !== undefined) out[KEYS.type] = reasoning.type;
  if (reasoning.displayText !== undefined) out[KEYS.displayText] = reasoning.displayText;
  if (reasoning.signature !== undefined) out[KEYS.signature] = reasoning.signature;
  return out;
}

export function takeMemory(extra: Record<string, unknown> | undefined): { memory?: string; rest: Record<string, unknown> | undefined } {
  if (!extra || typeof extra.memory !== "string") return { rest: extra };
  const { memory, ...rest } = extra;
  return { memory: memory as string, rest };
}

export function putMemory(extra: Record<string, unknown> | undefined, memory: string | undefined): Record<string, unknown> | undefined {
  return memory === undefined ? extra : { ...extra, memory };
}
