/**
 * How much of the prompt is re-evaluated each turn of a 100-turn roleplay, taproom's
 * prompt building against a naive one (trim one message at a time, lore inserted
 * early in the story string). llama.cpp keeps the longest common token prefix of the
 * previous sequence and evaluates the rest, so "evaluated" is the prompt's tokens
 * minus that prefix.
 */
import { buildPrompt, getTemplate, type BuiltPrompt } from "../src/core/prompt/index.ts";
import type { ChatMessage } from "../src/core/chat/types.ts";
import {
  activeLore,
  assistantMessage,
  benchCharacter,
  benchPersona,
  insertions,
  scriptedReply,
  userMessage,
} from "./support/scriptedChat.ts";

const TURNS = 100;
const CONTEXT = 2048;
const RESPONSE = 128;

interface Strategy {
  name: string;
  trimFreeFraction: number;
  placement: "own" | "early";
}

const TAPROOM: Strategy = { name: "taproom", trimFreeFraction: 0.3, placement: "own" };
const NAIVE: Strategy = { name: "naive", trimFreeFraction: 0, placement: "early" };

/** A tokenizer stand-in: words, digits, punctuation and ChatML markers each one token. */
function makeTokenizer() {
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

interface TurnFigures {
  promptTokens: number;
  newTokens: number;
  evaluated: number;
}

function run(strategy: Strategy, tokenize: (text: string) => number[]): TurnFigures[] {
  const count = (text: string) => tokenize(text).length;
  const messages: ChatMessage[] = [assistantMessage(-1, benchCharacter.first_mes)];
  const figures: TurnFigures[] = [];
  let cached: number[] = [];
  for (let turn = 0; turn < TURNS; turn++) {
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
    const tokens = tokenize(prompt.text);
    const reply = scriptedReply(turn);
    figures.push({ promptTokens: tokens.length, newTokens: newTokens(prompt), evaluated: tokens.length - commonPrefix(tokens, cached) });
    // The sequence now holds the prompt and the generated reply with its end marker.
    cached = [...tokens, ...tokenize(` ${reply}<|im_end|>`)];
    messages.push(assistantMessage(turn, reply));
  }
  return figures;
}

/** What a perfect cache would still evaluate: the new user message and the reply prefix. */
function newTokens(prompt: BuiltPrompt): number {
  const history = prompt.sections.filter((s) => s.kind === "history");
  const tail = prompt.sections.filter((s) => s.kind === "reply_prefix" || s.kind === "post_history");
  return (history[history.length - 1]?.tokens ?? 0) + tail.reduce((sum, s) => sum + s.tokens, 0);
}

export default async function kvReuse(): Promise<void> {
  const tokenize = makeTokenizer();
  const ours = run(TAPROOM, tokenize);
  const naive = run(NAIVE, tokenize);
  console.log(`${TURNS} turns, context ${CONTEXT}, reply ${RESPONSE}; ChatML; lorebook entries come and go`);
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
