/**
 * Writing the chat's running summary with the loaded model, as SillyTavern's Summarize
 * extension does with its main API. The default builder asks for it at the end of the
 * chat's own prompt (a quiet request), so the request shares the chat's cached prefix
 * and costs little more than the summary's own tokens; the raw builders send the
 * messages since the last summary alone, under a key of their own, so the chat's KV
 * state is saved and reloaded around them rather than lost. Nothing is stored here: the
 * caller writes the summary where `index` says (core/memory setMemory).
 */
import type { Character } from "../core/cards/character.ts";
import type { Persona } from "../core/chat/persona.ts";
import type { Chat } from "../core/chat/types.ts";
import type { LoreInsertion } from "../core/lorebook/insertion.ts";
import { memoryPrompts, memoryTarget, rawSummaryText, summaryDue, summaryInstruction, SummaryBuilder, type MemorySettings, type SummaryDue } from "../core/memory/index.ts";
import { buildRawPrompt } from "../core/prompt/rawPrompt.ts";
import { chooseTemplate, expandMacros, withNames, type BuiltPrompt, type PromptRegex } from "../core/prompt/index.ts";
import { explainReuse, type ReuseExplanation } from "../core/promptCache/explain.ts";
import { promptLayout } from "../core/promptCache/layout.ts";
import { markersToTry } from "../core/reasoning/templates.ts";
import { ReasoningSplitter } from "../core/reasoning/stream.ts";
import { buildTurnPrompt, type TurnModel, type TurnSettings } from "./chatTurn.ts";

export interface SummarizeInput {
  model: TurnModel;
  chat: Chat;
  character: Character;
  persona: Persona;
  /** The turn's lore (left out when the settings say SkipWIAN). */
  lore?: LoreInsertion[];
  settings: TurnSettings;
  memory: MemorySettings;
  /** /summarize: now, whatever the interval and the freeze say. */
  force?: boolean;
  regex?: PromptRegex;
  signal?: AbortSignal;
  /** The summary as it is written. */
  onText?: (text: string) => void;
}

export type SummarizeResult =
  | { written: false; due: SummaryDue; reason: string }
  | {
    written: true;
    due: SummaryDue;
    summary: string;
    /** The message the summary goes on. */
    index: number;
    prompt: string;
    tokens: number;
    stopReason: string;
    reuse?: ReuseExplanation;
  };

const PADDING = 64;

export async function summarizeChat(input: SummarizeInput): Promise<SummarizeResult> {
  const due = summaryDue(input.chat.messages, input.memory, { force: input.force ?? false });
  if (!due.due) return { written: false, due, reason: due.reason };
  const instruction = summaryInstruction(input.memory);
  if (!instruction.trim()) return { written: false, due, reason: "the summary instruction is empty" };
  const maxTokens = input.memory.overrideResponseLength || input.settings.samplers.maxTokens;
  const settings: TurnSettings = { ...input.settings, samplers: { ...input.settings.samplers, maxTokens } };
  const request = input.memory.prompt_builder === SummaryBuilder.DEFAULT ? quietRequest(input, settings, instruction) : rawRequest(input, settings, instruction, maxTokens);
  if ("reason" in request) return { written: false, due, reason: request.reason };
  const markers = settings.reasoning ? markersToTry(settings.reasoning) : [];
  const result = await input.model.generate({
    prompt: request.text,
    stops: request.stops,
    samplers: settings.samplers,
    chatId: request.chatId,
    ...(request.built && { layout: request.layout }),
    ...(input.signal && { signal: input.signal }),
    ...(markers.length > 0 && { reasoning: { markers } }),
    ...(input.onText && { onText: streamed(input.onText) }),
  });
  const summary = withoutReasoning(result.text, markers).trim();
  if (!summary) return { written: false, due, reason: result.stopReason === "abort" ? "stopped before a word was written" : "the model wrote an empty summary" };
  const reuse = result.reuse && request.built && request.layout ? explainReuse(result.reuse, request.built, request.layout) : undefined;
  return { written: true, due, summary, index: request.index, prompt: request.text, tokens: result.tokens, stopReason: result.stopReason, ...(reuse && { reuse }) };
}

interface SummaryRequest {
  text: string;
  stops: string[];
  index: number;
  chatId: string;
  built?: BuiltPrompt;
  layout?: ReturnType<typeof promptLayout>;
}

/**
 * The default builder (generateQuietPrompt): the chat's own prompt, its summary and lore
 * in place (not with SkipWIAN), the instruction last; the summary goes on the message
 * before the last.
 */
function quietRequest(input: SummarizeInput, settings: TurnSettings, instruction: string): SummaryRequest {
  const skip = input.memory.SkipWIAN;
  const { authorsNote: _note, ...rest } = input.chat.settings;
  const chat = skip ? { ...input.chat, settings: rest } : input.chat;
  const { prompt, choice } = buildTurnPrompt({
    model: input.model,
    chat,
    character: input.character,
    persona: input.persona,
    ...(!skip && input.lore && { lore: input.lore }),
    settings,
    mode: "reply",
    ...(input.regex && { regex: input.regex }),
    extensionPrompts: memoryPrompts(chat.messages, input.memory),
    quietPrompt: instruction,
  });
  const template = choice.template.name + ((settings.names ?? chat.settings.names) === false ? " (no names)" : "");
  const layout = promptLayout({ prompt, template, messages: chat.messages });
  return { text: prompt.text, stops: prompt.stops, index: memoryTarget(chat.messages), chatId: chat.id, built: prompt, layout };
}

/**
 * The raw builders (generateRaw): the last summary and the messages after it that fit, the
 * instruction as the system prompt; the summary goes on the last message taken. Served
 * under its own key, so the chat's cached prompt is saved aside, not overwritten.
 */
function rawRequest(input: SummarizeInput, settings: TurnSettings, instruction: string, maxTokens: number): SummaryRequest | { reason: string } {
  const { model, chat } = input;
  const room = model.contextSize - maxTokens;
  const raw = rawSummaryText(chat.messages, input.memory, (text) => model.countTokens(text) + PADDING <= room);
  if (raw.lastUsed < 0) return { reason: "no messages found to summarize (remove the latest summary to try again)" };
  const choice = chooseTemplate(settings.template ?? chat.settings.instructTemplate ?? settings.defaultTemplate, model.chatTemplate, model.ownTemplate, settings.templates);
  const names = settings.names ?? chat.settings.names;
  const template = names === undefined ? choice.template : withNames(choice.template, names);
  const expand = (text: string) => expandMacros(text, {
    char: input.character.name, user: input.persona.name, now: () => new Date(), random: Math.random, chatId: chat.id, variables: { ...chat.variables },
  });
  const text = buildRawPrompt({ text: raw.text, systemPrompt: instruction, template, expand });
  return { text, stops: [], index: raw.lastUsed, chatId: `${chat.id}#summary` };
}

/** onText gets each chunk; the caller wants the summary so far. */
function streamed(onText: (text: string) => void): (chunk: string) => void {
  let so = "";
  return (chunk) => onText((so += chunk).trimStart());
}

/** A model that returned its whole text (no splitting of its own) still has its reasoning left out of the summary. */
function withoutReasoning(text: string, markers: ReturnType<typeof markersToTry>): string {
  if (markers.length === 0) return text;
  const splitter = new ReasoningSplitter({ markers });
  const a = splitter.push(text);
  const b = splitter.finish();
  return splitter.hasReasoning ? a.reply + b.reply : text;
}
