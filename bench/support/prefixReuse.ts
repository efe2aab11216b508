/**
 * Replays the scripted chat through prompt building and counts the prompt tokens a
 * prefix-reusing KV cache (llama.cpp keeps the longest common token prefix of the
 * previous sequence) would evaluate each turn.
 */
import { buildPrompt, getTemplate, type BuiltPrompt } from "../../src/core/prompt/index.ts";
import type { ChatMessage } from "../../src/core/chat/types.ts";
import {
  activeLore,
  assistantMessage,
  benchCharacter,
  benchPersona,
  insertions,
  scriptedReply,
  userMessage,
} from "./scriptedChat.ts";

export const TURNS = 100;
export const CONTEXT = 2048;
export const RESPONSE = 128;

export interface Strategy {
  name: string;
  trimFreeFraction: number;
  placement: "own" | "early";
}

export const TAPROOM: Strategy = { name: "taproom", trimFreeFraction: 0.3, placement: "own" };
export const NAIVE: Strategy = { name: "naive", trimFreeFraction: 0, placement: "early" };

/** A tokenizer stand-in: words, digits, punctuation and ChatML markers each one token. */
export function makeTokenizer() {
  const ids = new Map<string, number>();
  return (text: string): number[] =>
    (text.match(/<\|[a-z_]+\|>|\s?[A-Za-z]+|\s?\d|\s?[^\sA-Za-z\d]|\s+/g) ?? []).map((piece) => {
      let id = ids.get(piece);
      if (id === undefined) ids.set(piece, (id = ids.size));
      return id;
    });
}

function commonPrefix(a: number[], b: number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export interface TurnFigures {
  promptTokens: number;
  newTokens: number;
  evaluated: number;
}

export interface ScriptedTurn {
  prompt: BuiltPrompt;
  /** The scripted reply the history records after this turn (the same for every strategy). */
  reply: string;
}

/** The prompts of a scripted roleplay, turn by turn, as a strategy builds them. */
export function* scriptedPrompts(strategy: Strategy, count: (text: string) => number, turns = TURNS): Generator<ScriptedTurn> {
  const messages: ChatMessage[] = [assistantMessage(-1, benchCharacter.first_mes)];
  for (let turn = 0; turn < turns; turn++) {
    messages.push(userMessage(turn));
    const prompt = buildPrompt({
      character: benchCharacter,
      persona: benchPersona,
      messages,
      chatId: "bench",
      lore: insertions(activeLore(messages), strategy.placement),
      settings: {
        template: getTemplate("chatml"),
        contextSize: CONTEXT,
        responseTokens: RESPONSE,
        systemPrompt: "Write {{char}}'s next reply in this roleplay with {{user}}.",
        trimFreeFraction: strategy.trimFreeFraction,
      },
      countTokens: count,
      now: () => new Date("2026-01-01T12:00:00Z"),
      random: () => 0.5,
    });
    const reply = scriptedReply(turn);
    yield { prompt, reply };
    messages.push(assistantMessage(turn, reply));
  }
}

export function replayChat(strategy: Strategy, tokenize: (text: string) => number[], turns = TURNS): TurnFigures[] {
  const figures: TurnFigures[] = [];
  let cached: number[] = [];
  for (const { prompt, reply } of scriptedPrompts(strategy, (text) => tokenize(text).length, turns)) {
    const tokens = tokenize(prompt.text);
    figures.push({ promptTokens: tokens.length, newTokens: newTokens(prompt), evaluated: tokens.length - commonPrefix(tokens, cached) });
    // The sequence now holds the prompt and the generated reply with its end marker.
    cached = [...tokens, ...tokenize(` ${reply}<|im_end|>`)];
  }
  return figures;
}

/** What a perfect cache would still evaluate: the new user message and the reply prefix. */
export function newTokens(prompt: BuiltPrompt): number {
  const history = prompt.sections.filter((s) => s.kind === "history");
  const tail = prompt.sections.filter((s) => s.kind === "reply_prefix" || s.kind === "post_history");
  return (history[history.length - 1]?.tokens ?? 0) + tail.reduce((sum, s) => sum + s.tokens, 0);
}

