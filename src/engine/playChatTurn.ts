import type { Character } from "../core/cards/character.ts";
import { addSwipe, appendAssistantReply, continueReply, currentSwipe, setDraft, setKeptFrom, setLoreState, setVariables, type ChatEnv } from "../core/chat/operations.ts";
import type { Persona } from "../core/chat/persona.ts";
import type { Chat } from "../core/chat/types.ts";
import { activateLoreForChat } from "../core/lorebook/forChat.ts";
import type { ActivateLoreResult } from "../core/lorebook/activate.ts";
import type { Lorebook } from "../core/lorebook/model.ts";
import type { LoreSettings } from "../core/lorebook/activate.ts";
import { generationTypeOf, type TurnMode } from "../core/prompt/turn.ts";
import type { ExtensionPrompt, PromptRegex } from "../core/prompt/types.ts";
import { runChatTurn, type ChatTurnResult, type TurnModel, type TurnSettings } from "./chatTurn.ts";

export interface PlayChatTurnInput {
  model: TurnModel;
  chat: Chat;
  character: Character;
  persona: Persona;
  books: Lorebook[];
  /** Each book's tier (chat, character, global), as booksForCharacter gives them. */
  bookTiers?: number[];
  /** World Info activation settings (the user's); defaults where left out. */
  loreSettings?: Partial<LoreSettings>;
  settings: TurnSettings;
  mode: TurnMode;
  env: ChatEnv;
  signal?: AbortSignal;
  onText?: (chunk: string) => void;
  onReasoning?: (chunk: string) => void;
  /** The chat's regex scripts (see ChatTurnInput.regex). */
  regex?: PromptRegex;
  /** The chat's summary and other extension blocks for the prompt. */
  extensionPrompts?: ExtensionPrompt[];
}

export interface PlayedChatTurn {
  /** The chat with the turn applied: a new reply, a new swipe, a longer reply, or a draft. */
  chat: Chat;
  turn: ChatTurnResult;
  lore: ActivateLoreResult;
}

/**
 * One whole turn, the same for the TUI and the headless command: activate lore,
 * build the prompt, generate, and apply the result to the chat. Saving is the
 * caller's.
 */
export async function playChatTurn(input: PlayChatTurnInput): Promise<PlayedChatTurn> {
  const { model, character, env, mode } = input;
  const lore = activateLoreForChat({
    // SillyTavern's budget is a share of the context left after the reply's tokens.
    books: input.books, ...(input.bookTiers && { tiers: input.bookTiers }), chat: input.chat,
    contextSize: Math.max(1, model.contextSize - input.settings.samplers.maxTokens), tokenize: (t) => model.countTokens(t),
    character, personaName: input.persona.name, generationType: generationTypeOf(mode), ...(input.loreSettings && { settings: input.loreSettings }),
  });
  const turn = await runChatTurn({
    model,
    chat: input.chat,
    character,
    persona: input.persona,
    lore: lore.insertions,
    loreTitles: new Map(lore.verdicts.map((v) => [`${v.book}/${v.uid}`, v.comment.trim() || `${v.book} #${v.uid}`])),
    settings: input.settings,
    mode,
    ...(input.signal && { signal: input.signal }),
    ...(input.onText && { onText: input.onText }),
    ...(input.onReasoning && { onReasoning: input.onReasoning }),
    ...(input.regex && { regex: input.regex }),
    ...(input.extensionPrompts && { extensionPrompts: input.extensionPrompts }),
  });
  let chat = input.chat;
  const generation = turn.generation;
  const reasoning = turn.reasoning;
  if (mode === "reply") chat = appendAssistantReply(chat, { text: turn.text, name: character.name, env, generation, ...(reasoning && { reasoning }) });
  else if (mode === "swipe") chat = addSwipe(chat, { text: turn.text, env, generation, ...(reasoning && { reasoning }) });
  else if (mode === "continue") {
    const last = chat.messages.at(-1);
    const before = last ? currentSwipe(last).text : "";
    const added = turn.text.startsWith(before) ? turn.text.slice(before.length) : turn.text;
    chat = continueReply(chat, { text: added, env, generation, ...(reasoning && { reasoning }) });
  } else chat = setDraft(chat, turn.text, env);
  chat = setLoreState(chat, lore.state, env);
  chat = setVariables(chat, turn.variables, env);
  if (input.settings.holdTrimBoundary !== false) chat = setKeptFrom(chat, turn.prompt.firstKeptMessageId);
  return { chat, turn, lore };
}
