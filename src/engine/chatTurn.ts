/**
 * One chat turn, end to end but without saving: build the prompt from the chat, let the
 * model write, and hand back the new text with everything needed to apply it (the
 * caller uses core/chat operations and the store for that).
 */
import type { Character } from "../core/cards/character.ts";
import type { Chat, ChatMessage, GenerationInfo } from "../core/chat/types.ts";
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
}

/** What a turn needs from a loaded model. */
export interface TurnModel {
  name: string;
  contextSize: number;
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
  now?: () => Date;
  random?: () => number;
}

export interface ChatTurnResult {
  /** The message text: the new reply, the user's impersonated line, or the continued message whole. */
  text: string;
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

export type TurnPromptInput = Omit<ChatTurnInput, "model" | "signal" | "onText"> & {
  model: Pick<TurnModel, "contextSize" | "chatTemplate" | "countTokens" | "ownTemplate">;
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
    settings: {
      template,
      contextSize: model.contextSize,
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
  const result = await model.generate({
    prompt: prompt.text,
    stops: prompt.stops,
    samplers: settings.samplers,
    signal: input.signal,
    onText: input.onText,
    chatId: input.chat.id,
    layout,
  });
  const finishedAt = (input.now ?? (() => new Date()))();
  const speaker = mode === "impersonate" ? input.persona.name : input.character.name;
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
  const generated = input.group ? cleanGroupReply(result.text, { speaker: input.character.name, members: input.group.members }) : result.text;
  return {
    text: turnText(mode, generated, speaker, mode === "continue" ? history[history.length - 1] : undefined),
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
