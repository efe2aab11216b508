import type { Character } from "../../../src/core/cards/character.ts";
import type { ChatMessage } from "../../../src/core/chat/types.ts";
import type { MemberCard } from "../../../src/core/group/types.ts";
import { card } from "../prompt/fixture.ts";

/** A random source that hands out exactly these numbers and fails on one more draw. */
export function scripted(...values: number[]): (() => number) & { left(): number } {
  let i = 0;
  const next = () => {
    if (i >= values.length) throw new Error(`drew a random number ${i + 1}, only ${values.length} scripted`);
    return values[i++]!;
  };
  return Object.assign(next, { left: () => values.length - i });
}

export function member(key: string, name: string, overrides: Partial<Character> = {}, muted = false): MemberCard {
  const character = card({ name, description: "", personality: "", scenario: "", first_mes: "", mes_example: "", system_prompt: "", post_history_instructions: "", ...overrides });
  return { key, name, character, muted, talkativeness: character.extensions["talkativeness"] };
}

/** The spec's inn: Alice t=0.5, Bob Stone t=0.2, Cleo t=0. */
export function inn(mutedCleo = false): MemberCard[] {
  return [
    member("Alice.png", "Alice", { extensions: { talkativeness: "0.5" } }),
    member("Bob Stone.png", "Bob Stone", { extensions: { talkativeness: 0.2 } }),
    member("Cleo.png", "Cleo", { extensions: { talkativeness: "0" } }, mutedCleo),
  ];
}

let n = 0;
export function said(role: ChatMessage["role"], name: string, text: string, avatar?: string, extra: Record<string, unknown> = {}): ChatMessage {
  return {
    id: `m${++n}`, role, name, swipes: [{ text, sentAt: "2024-09-28T01:02:00Z" }], swipeIndex: 0,
    ...((avatar || Object.keys(extra).length > 0) && { extra: { ...(avatar && { original_avatar: avatar }), ...extra } }),
  };
}
