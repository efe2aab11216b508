/**
 * One chat turn, end to end but without saving: build the prompt from the chat, let the
 * model write, and hand back the new text with everything needed to apply it (the
 * caller uses core/chat operations and the store for that).
 */
import type { Character } from "../core/cards/character.ts";
import type { Chat, ChatMessage, GenerationInfo, Reasoning } from "../core/chat/types.ts";
import type { LoreInsertion } from "../core/lorebook/insertion.ts";
import {
  buildPrompt,
  chooseTemplate,
  historyForTurn,
  promptMode,
  turnText,
  withNames,
  type BuiltPrompt,
  type GroupPromptContext,
  type InstructTemplate,
  type Persona,
  type TemplateChoice,
  type TurnMode,
} from "../core/prompt/index.ts";
import type { SamplerSettings } from "../core/samplers/types.ts";
import { markersToTry, type ReasoningSettings } from "../core/reasoning/templates.ts";
import { ReasoningSplitter } from "../core/reasoning/stream.ts";
import { RegexPlacement } from "../core/regexScripts/script.ts";
import { regexRunner, type ExtensionPrompt, type PromptRegex } from "../core/prompt/index.ts";
import type { ReasoningStreamOptions, ReplyReasoning } from "./generation/generateReply.ts";
import { promptLayout, type PromptLayout } from "../core/promptCache/layout.ts";
import { explainReuse, type ReuseExplanation, type ReuseFacts } from "../core/promptCache/explain.ts";
import { cleanGroupReply } from "../core/group/trim.ts";

export type StopReason = NonNullable<GenerationInfo["stopReason"]>;

export interface TurnGenerationRequest {
  prompt: string;
  stops: string[];
  samplers: SamplerSettings;
  signal?: AbortSignal;
  onText?: (chunk: string) => void;
  /** The chat the prompt belongs to: its KV state is kept and reloaded under this id. */
  chatId?: string;
  /** What the prompt is made of, kept with its KV cache to explain the next turn. */
  layout?: PromptLayout;
  /** Split the reply's reasoning block off as it streams (stop strings never see it). */
  reasoning?: ReasoningStreamOptions;
  onReasoning?: (chunk: string) => void;
}

export interface TurnGenerationResult {
  text: string;
  stopReason: StopReason;
  /** Tokens generated. */
  tokens: number;
  /** Prompt tokens really evaluated (the rest came from the KV cache). */
  evaluatedPromptTokens?: number;
  /** Prompt tokens kept from the previous turn's KV cache. */
  reusedPromptTokens?: number;
  /** Prompt as the model saw it (beginning-of-sequence token included). */
  promptTokens?: number;
  /** Time to evaluate the prompt, up to the first reply token. */
  promptMs?: number;
  durationMs?: number;
  /** What the KV cache held and what of it served the prompt (engines that report it). */
  reuse?: ReuseFacts;
  /** The reasoning block, split from `text` (which never holds it). */
  reasoning?: ReplyReasoning;
}

/** What a turn needs from a loaded model. */
export interface TurnModel {
  name: string;
  contextSize: number;
  /** The context the model was trained on, when known: the most a larger --context can give. */
  trainContext?: number;
  /** The GGUF's own chat template, for the "auto" template choice. */
  chatTemplate?: string;
  /** That template as rendered from the GGUF, when it could be derived (see core/prompt/derivedTemplate.ts). */
  ownTemplate?: InstructTemplate;
  countTokens(text: string): number;
  generate(request: TurnGenerationRequest): Promise<TurnGenerationResult>;
}

export interface TurnSettings {
  samplers: SamplerSettings;
  /** A template name, or "auto"/undefined for the model's own. */
  template?: string;
  /** The template chats use when neither this turn nor the chat names one (settings.json "template"). */
  defaultTemplate?: string;
  /** The user's imported prompt templates, chosen by name like the shipped ones. */
  templates?: InstructTemplate[];
  names?: boolean;
  systemPrompt?: string;
  postHistoryInstructions?: string;
  preferUserPrompts?: boolean;
  pinExamples?: boolean;
  /** Share of the history budget freed when trimming (see core/prompt/budget.ts); 0 trims one message at a time. */
  trimFreeFraction?: number;
  /** Tokens kept for at-depth lore and the note (see PromptSettings). */
  insertionReserve?: number;
  /** Hold the kept-history boundary from the previous prompt (default true); false replays it each turn. */
  holdTrimBoundary?: boolean;
  /** How reasoning is split out and put back (SillyTavern's power_user.reasoning); without it, nothing is split. */
  reasoning?: ReasoningSettings;
}

export interface ChatTurnInput {
  model: TurnModel;
  chat: Chat;
  character: Character;
  persona: Persona;
  /** Lore activated for this turn (see core/lorebook); at their positions. */
  lore?: LoreInsertion[];
  /** Lore entry id -> its title, for explaining what came and went. */
  loreTitles?: ReadonlyMap<string, string>;
  settings: TurnSettings;
  mode: TurnMode;
  /** A group chat's turn: `character` is the member speaking (see core/group). */
  group?: GroupPromptContext;
  signal?: AbortSignal;
  onText?: (chunk: string) => void;
  /** The reply's reasoning as it streams, kept apart from `onText`. */
  onReasoning?: (chunk: string) => void;
  /** The chat's regex scripts (global, and the card's once allowed), and where they are matched. */
  regex?: PromptRegex;
  /** Blocks from extensions for the prompt: the chat's summary. */
  extensionPrompts?: ExtensionPrompt[];
  /** A background request (see BuildPromptInput.quietPrompt). */
  quietPrompt?: string;
  now?: () => Date;
  random?: () => number;
}

export interface ChatTurnResult {
  /** The message text: the new reply, the user's impersonated line, or the continued message whole; store-time scripts applied. */
  text: string;
  /** What the model thought before it wrote `text` (for continue: the message's reasoning as it now stands). */
  reasoning?: Reasoning;
  generation: GenerationInfo;
  prompt: BuiltPrompt;
  template: TemplateChoice;
  /** Updated {{setvar}} variables for the chat. */
  variables: Record<string, string>;
  /** The turn's figures as the model measured them: what the cache saved and what the prompt cost. */
  timings: TurnTimings;
  evaluatedPromptTokens?: number;
  /** Tokens reused and evaluated, and why evaluation began where it did; absent when the model does not report its cache. */
  reuse?: ReuseExplanation;
}

export interface TurnTimings {
  /** Tokens of the prompt as the model saw it; the built prompt's count when the model does not say. */
  promptTokens: number;
  evaluatedPromptTokens: number;
  reusedPromptTokens: number;
  /** Undefined when the model does not measure it. */
  promptMs?: number;
  durationMs?: number;
  /** Reply tokens per second, prompt evaluation left out. */
  tokensPerSecond?: number;
}

export type TurnPromptInput = Omit<ChatTurnInput, "model" | "signal" | "onText" | "onReasoning"> & {
  model: Pick<TurnModel, "contextSize" | "trainContext" | "chatTemplate" | "countTokens" | "ownTemplate">;
};

/** The prompt a turn would send, without generating: for the turn itself and the prompt inspector. */
export function buildTurnPrompt(input: TurnPromptInput): { prompt: BuiltPrompt; choice: TemplateChoice; history: ChatMessage[] } {
  const { model, chat, settings, mode } = input;
  const choice = chooseTemplate(settings.template ?? chat.settings.instructTemplate ?? settings.defaultTemplate, model.chatTemplate, model.ownTemplate, settings.templates);
  const names = settings.names ?? chat.settings.names;
  const template = names === undefined ? choice.template : withNames(choice.template, names);
  const history = historyForTurn(chat.messages, mode);
  const scenario = chat.settings.scenario;
  const prompt = buildPrompt({
    // The chat's scenario override stands in for the card's (SillyTavern's getCharacterCardFields).
    character: scenario ? { ...input.character, scenario } : input.character,
    persona: input.persona,
    messages: history,
    chatId: chat.id,
    variables: chat.variables,
    lore: input.lore,
    authorsNote: chat.settings.authorsNote,
    ...(settings.holdTrimBoundary !== false && chat.keptFrom !== undefined && { keptFrom: chat.keptFrom }),
    mode: promptMode(mode),
    ...(input.group && { group: input.group }),
    ...(input.regex && { regex: input.regex }),
    ...(settings.reasoning && { reasoning: settings.reasoning }),
    ...(input.extensionPrompts && { extensionPrompts: input.extensionPrompts }),
    ...(input.quietPrompt !== undefined && { quietPrompt: input.quietPrompt }),
    settings: {
      template,
      contextSize: model.contextSize,
      ...(model.trainContext && { contextLimit: model.trainContext }),
      responseTokens: settings.samplers.maxTokens,
      systemPrompt: settings.systemPrompt,
      postHistoryInstructions: settings.postHistoryInstructions,
      preferUserPrompts: settings.preferUserPrompts,
      pinExamples: settings.pinExamples,
      ...(settings.trimFreeFraction !== undefined && { trimFreeFraction: settings.trimFreeFraction }),
      ...(settings.insertionReserve !== undefined && { insertionReserve: settings.insertionReserve }),
    },
    countTokens: (text) => model.countTokens(text),
    now: input.now,
    random: input.random,
  });
  return { prompt, choice, history };
}

export async function runChatTurn(input: ChatTurnInput): Promise<ChatTurnResult> {
  const { model, settings, mode } = input;
  const { prompt, choice, history } = buildTurnPrompt(input);
  const layout = turnLayout(input, prompt, choice, history);
  const startedAt = (input.now ?? (() => new Date()))();
  const continued = mode === "continue" ? history[history.length - 1] : undefined;
  const reasoning = reasoningStream(settings.reasoning, prompt, mode);
  const generated = await model.generate({
    prompt: prompt.text,
    stops: prompt.stops,
    samplers: settings.samplers,
    signal: input.signal,
    onText: input.onText,
    chatId: input.chat.id,
    layout,
    ...(reasoning && { reasoning }),
    ...(input.onReasoning && { onReasoning: input.onReasoning }),
  });
  const result = splitWhole(generated, reasoning);
  const finishedAt = (input.now ?? (() => new Date()))();
  const seconds = (result.durationMs ?? finishedAt.getTime() - startedAt.getTime()) / 1000;
  const promptTokens = result.promptTokens ?? prompt.tokens;
  const evaluated = result.evaluatedPromptTokens ?? promptTokens;
  const genSeconds = result.promptMs !== undefined && result.durationMs !== undefined ? (result.durationMs - result.promptMs) / 1000 : undefined;
  const timings: TurnTimings = {
    promptTokens,
    evaluatedPromptTokens: evaluated,
    reusedPromptTokens: result.reusedPromptTokens ?? promptTokens - evaluated,
    ...(result.promptMs !== undefined && { promptMs: result.promptMs }),
    ...(result.durationMs !== undefined && { durationMs: result.durationMs }),
    ...(genSeconds !== undefined && genSeconds > 0 && result.tokens > 1 && { tokensPerSecond: (result.tokens - 1) / genSeconds }),
  };
  // In a group the reply ends where the model starts writing another member's line.
  const own = input.group ? { ...result, text: cleanGroupReply(result.text, { speaker: input.character.name, members: input.group.members }) } : result;
  const stored = storedTexts(input, own, continued);
  return {
    text: stored.text,
    ...(stored.reasoning && { reasoning: stored.reasoning }),
    generation: {
      model: model.name,
      startedAt: startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      tokens: result.tokens,
      tokensPerSecond: seconds > 0 ? result.tokens / seconds : undefined,
      stopReason: result.stopReason,
      samplers: settings.samplers,
    },
    prompt,
    template: choice,
    variables: prompt.variables,
    timings,
    evaluatedPromptTokens: result.evaluatedPromptTokens,
    ...(result.reuse && { reuse: explainReuse(result.reuse, prompt, layout) }),
  };
}

/**
 * How the reply's reasoning is told apart: the template's markers (and the other common
 * ones); on a continue, only a block the prompt left open (the message's reply has begun,
 * so a marker now is text). A prompt that ends with a prefix (templates that open the
 * block for the model) streams reasoning from the first token.
 */
function reasoningStream(settings: ReasoningSettings | undefined, prompt: BuiltPrompt, mode: TurnMode): ReasoningStreamOptions | undefined {
  if (!settings) return undefined;
  const markers = markersToTry(settings);
  if (markers.length === 0) return undefined;
  if (prompt.openReasoning !== undefined) return { markers, open: { markers: markers[0]!, reasoning: prompt.openReasoning } };
  if (mode === "continue") return undefined;
  const end = prompt.text.trimEnd();
  const opened = markers.find((m) => end.endsWith(m.prefix));
  return opened ? { markers, open: { markers: opened } } : { markers };
}

/**
 * The texts the chat keeps, as SillyTavern stores them: the reply through its store-time
 * scripts (AI output; the person's line when impersonating; on a continue only the new
 * words), the reasoning through reasoning scripts. Impersonated reasoning is dropped.
 */
function storedTexts(input: ChatTurnInput, result: TurnGenerationResult, continued: ChatMessage | undefined): { text: string; reasoning?: Reasoning } {
  const { mode } = input;
  const speaker = mode === "impersonate" ? input.persona.name : input.character.name;
  const run = regexRunner({ character: input.character, persona: input.persona, chatId: input.chat.id, variables: input.chat.variables, ...(input.regex && { regex: input.regex }), now: input.now, random: input.random });
  let text = turnText(mode, result.text, speaker, continued);
  const placement = mode === "impersonate" ? RegexPlacement.USER_INPUT : RegexPlacement.AI_OUTPUT;
  if (mode === "continue") {
    const before = continued ? messageTextOf(continued) : "";
    text = before + run(text.slice(before.length), placement, {});
  } else text = run(text, placement, {});
  const r = result.reasoning;
  if (!r || mode === "impersonate") return { text };
  const old = continued?.swipes[continued.swipeIndex]?.reasoning;
  const durationMs = r.durationMs !== undefined && old?.durationMs != null ? old.durationMs + r.durationMs : r.durationMs;
  return { text, reasoning: { text: run(r.text, RegexPlacement.REASONING, {}), ...(durationMs !== undefined && { durationMs }), type: "parsed" } };
}

/** A model that does not split reasoning itself (a remote backend) gets its whole reply split here. */
function splitWhole(result: TurnGenerationResult, stream: ReasoningStreamOptions | undefined): TurnGenerationResult {
  if (!stream || result.reasoning) return result;
  const splitter = new ReasoningSplitter(stream);
  const first = splitter.push(result.text);
  const rest = splitter.finish();
  if (!splitter.hasReasoning) return result;
  return { ...result, text: first.reply + rest.reply, reasoning: { text: splitter.reasoning } };
}

function messageTextOf(message: ChatMessage): string {
  return message.swipes[message.swipeIndex]?.text ?? "";
}

/** The template's name as a saved state and the explanation compare it: the names choice included. */
function templateName(choice: TemplateChoice, names: boolean | undefined): string {
  return names === false ? `${choice.template.name} (no names)` : choice.template.name;
}

function turnLayout(input: ChatTurnInput, prompt: BuiltPrompt, choice: TemplateChoice, history: ChatMessage[]): PromptLayout {
  const c = input.character;
  const depthPrompt = c.extensions["depth_prompt"] as { prompt?: unknown } | undefined;
  return promptLayout({
    prompt,
    template: templateName(choice, input.settings.names ?? input.chat.settings.names),
    messages: history,
    ...(input.lore && { lore: input.lore }),
    ...(input.loreTitles && { loreTitles: input.loreTitles }),
    sources: [
      c.description, c.personality, c.scenario, c.system_prompt, c.post_history_instructions, c.mes_example,
      typeof depthPrompt?.prompt === "string" ? depthPrompt.prompt : "",
      input.persona.description, input.settings.systemPrompt ?? "", input.settings.postHistoryInstructions ?? "",
      input.chat.settings.authorsNote?.text ?? "",
      ...(input.group?.joined ? Object.values(input.group.joined) : []),
      ...(input.group?.characterNotes ?? []).map((n) => n.text),
    ],
  });
}
