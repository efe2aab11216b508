import { depthProblem } from "../text/jsonDepth.ts";
/**
 * SillyTavern's chat JSONL <-> Chat. Line 1 is the chat's metadata, every other line a
 * message. Keys this program does not map are kept in `extra` so that an export gives
 * SillyTavern back what it wrote.
 */
import type { ChatEnv } from "./operations.ts";
import { AuthorsNoteFieldError, authorsNoteFromMetadata, withAuthorsNote } from "./stAuthorsNote.ts";
import { putReasoning, putMemory, takeMemory, takeReasoning } from "./stExtra.ts";
import type { AuthorsNote, Chat, ChatMessage, ChatSettings, Swipe } from "./types.ts";

export class ChatFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
    this.name = "ChatFormatError";
  }
}

const MESSAGE_KEYS = new Set(["name", "is_user", "is_system", "send_date", "mes", "swipes", "swipe_id", "swipe_info"]);

export interface ParseJsonlOptions {
  text: string;
  /** Named in errors. */
  file: string;
  env: ChatEnv;
  title?: string;
  characterId?: string;
  /** Overrides the file's character_name. */
  characterName?: string;
  /**
   * The metadata line for a file that has none (SillyTavern 2024's group chats): every line
   * of `text` is then a message.
   */
  header?: Record<string, unknown>;
}

export function parseChatJsonl(options: ParseJsonlOptions): Chat {
  const { file, env } = options;
  const lines = options.text.split(/\r?\n/);
  const records: { line: number; value: Record<string, unknown> }[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === "") return;
    records.push({ line: i + 1, value: parseLine(text, file, i + 1) });
  });
  const head = options.header ? { line: 0, value: options.header } : records.shift();
  if (!head) throw new ChatFormatError(file, 1, "empty file: expected a metadata line");
  const meta = head.value;
  if ("mes" in meta && !("chat_metadata" in meta)) {
    throw new ChatFormatError(file, head.line, "the first line must be the chat metadata (user_name, character_name, chat_metadata), found a message");
  }
  const chatMetadata = optionalObject(meta.chat_metadata, file, head.line, "chat_metadata") ?? {};
  const characterName = options.characterName ?? optionalString(meta.character_name, file, head.line, "character_name") ?? "";
  const createdAt = dateString(meta.create_date) ?? env.now();
  const messages = records.map((r) => parseMessage(r.value, file, r.line, env));
  const extra: Record<string, unknown> = { chat_metadata: chatMetadata };
  for (const [key, value] of Object.entries(meta)) if (key !== "chat_metadata" && key !== "create_date" && key !== "character_name") extra[key] = value;
  if (options.characterName !== undefined && meta.character_name !== undefined) extra.character_name = meta.character_name;
  const last = messages[messages.length - 1];
  return {
    id: env.newId(),
    title: options.title ?? (characterName ? `${characterName} ${createdAt}` : createdAt),
    characterId: options.characterId ?? characterName,
    characterName,
    createdAt,
    updatedAt: sillyTavernDateToIso(last ? lastSentAt(last) : "") ?? sillyTavernDateToIso(createdAt) ?? env.now(),
    messages,
    settings: importedSettings(meta, readAuthorsNote(chatMetadata, file, head.line)),
    variables: stringVariables(chatMetadata.variables),
    extra,
  };
}

/** The chat's SillyTavern chat_metadata: what it imported, with the note, chat lorebook, scenario override and variables as they are now. */
export function chatMetadataOf(chat: Chat): Record<string, unknown> {
  const imported = (chat.extra?.chat_metadata as Record<string, unknown> | undefined) ?? {};
  const chatMetadata = withScenario(withChatLorebook(withAuthorsNote(imported, chat.settings.authorsNote), chat.settings.lorebooks), chat.settings.scenario);
  if (Object.keys(chat.variables).length > 0) chatMetadata.variables = exportVariables(chat.variables, chatMetadata.variables);
  else delete chatMetadata.variables;
  return chatMetadata;
}

/** One message as its SillyTavern JSONL record. */
export function chatMessageRecord(message: ChatMessage): Record<string, unknown> {
  return formatMessage(message);
}

/** A Chat as SillyTavern JSONL; the inverse of parseChatJsonl for what it imported. */
export function formatChatJsonl(chat: Chat, userName?: string): string {
  const extra = chat.extra ?? {};
  const chatMetadata = chatMetadataOf(chat);
  const meta: Record<string, unknown> = {
    ...withoutKeys(extra, ["chat_metadata", "branchedFrom"]),
    user_name: userName ?? chat.settings.personaName ?? extra.user_name ?? "User",
    character_name: extra.character_name ?? chat.characterName,
    create_date: chat.createdAt,
    chat_metadata: chatMetadata,
  };
  return [meta, ...chat.messages.map(formatMessage)].map((v) => JSON.stringify(v)).join("\n") + "\n";
}

function readAuthorsNote(meta: Record<string, unknown>, file: string, line: number): AuthorsNote | undefined {
  try {
    return authorsNoteFromMetadata(meta);
  } catch (error) {
    if (error instanceof AuthorsNoteFieldError) throw new ChatFormatError(file, line, error.message);
    throw error;
  }
}

function importedSettings(meta: Record<string, unknown>, authorsNote: AuthorsNote | undefined): ChatSettings {
  const chatBook = chatLorebookOf(meta.chat_metadata);
  const scenario = (meta.chat_metadata as Record<string, unknown> | undefined)?.scenario;
  return {
    ...(typeof meta.user_name === "string" && meta.user_name !== "" && { personaName: meta.user_name }),
    ...(authorsNote && { authorsNote }),
    ...(chatBook && { lorebooks: [chatBook] }),
    ...(typeof scenario === "string" && scenario !== "" && { scenario }),
  };
}

/** The scenario override goes back as chat_metadata.scenario; an unchanged one (or an empty one kept as read) is left as it was. */
function withScenario(meta: Record<string, unknown>, scenario: string | undefined): Record<string, unknown> {
  const before = typeof meta.scenario === "string" && meta.scenario !== "" ? meta.scenario : undefined;
  if (before === scenario) return meta;
  const { scenario: _dropped, ...rest } = meta;
  return scenario ? { ...rest, scenario } : rest;
}

/** SillyTavern's chat lorebook: one book, by name, in `chat_metadata.world_info`. */
function chatLorebookOf(chatMetadata: unknown): string | undefined {
  const name = (chatMetadata as Record<string, unknown> | undefined)?.world_info;
  return typeof name === "string" && name.trim() !== "" ? name : undefined;
}

/** The chat's first attached book goes back as SillyTavern's chat lorebook; an unchanged one is left as it was. */
function withChatLorebook(meta: Record<string, unknown>, lorebooks: string[] | undefined): Record<string, unknown> {
  const first = lorebooks?.[0];
  if (chatLorebookOf(meta) === first) return meta;
  const { world_info: _dropped, ...rest } = meta;
  return first ? { ...rest, world_info: first } : rest;
}

function parseLine(text: string, file: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ChatFormatError(file, line, `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new ChatFormatError(file, line, "expected a JSON object");
  const tooDeep = depthProblem(value);
  if (tooDeep) throw new ChatFormatError(file, line, tooDeep);
  return value;
}

function parseMessage(value: Record<string, unknown>, file: string, line: number, env: ChatEnv): ChatMessage {
  const mes = value.mes;
  if (typeof mes !== "string") throw new ChatFormatError(file, line, `"mes" must be a string`);
  const name = optionalString(value.name, file, line, "name") ?? "";
  const isUser = optionalBoolean(value.is_user, file, line, "is_user") ?? false;
  const isSystem = optionalBoolean(value.is_system, file, line, "is_system") ?? false;
  const sentAt = dateString(value.send_date) ?? "";
  const swipes = parseSwipes(value, file, line, sentAt);
  let swipeIndex = 0;
  if (swipes) {
    const id = value.swipe_id ?? 0;
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= swipes.length) {
      throw new ChatFormatError(file, line, `"swipe_id" must be a whole number below ${swipes.length}`);
    }
    swipeIndex = id;
    swipes[id] = { ...swipes[id]!, text: mes, sentAt };
  }
  const stExtra = isObject(value.extra) ? value.extra : undefined;
  const role = isUser ? "user" : stExtra?.type === "narrator" ? "system" : "assistant";
  const extra: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!MESSAGE_KEYS.has(key) || (!swipes && key.startsWith("swipe"))) extra[key] = v;
  }
  // The shown swipe's reasoning is the message's own extra (SillyTavern mirrors it into swipe_info).
  const shown = takeReasoning(stExtra);
  const memory = takeMemory(shown.rest);
  if (stExtra) extra.extra = memory.rest;
  const messageSwipes = swipes ?? [{ text: mes, sentAt }];
  if (shown.reasoning) messageSwipes[swipeIndex] = { ...messageSwipes[swipeIndex]!, reasoning: shown.reasoning };
  const message: ChatMessage = {
    id: env.newId(),
    role,
    name,
    swipes: messageSwipes,
    swipeIndex,
    ...(memory.memory !== undefined && { memory: memory.memory }),
  };
  // SillyTavern marks a hidden message is_system; a narrator message is system by nature.
  if (isSystem && role !== "system") message.hidden = true;
  // SillyTavern writes no is_system on generated replies: null remembers that for export.
  if (!("is_system" in value)) extra.is_system = null;
  else if (role === "system" && !isSystem) extra.is_system = false;
  if (Object.keys(extra).length > 0) message.extra = extra;
  return message;
}

function parseSwipes(value: Record<string, unknown>, file: string, line: number, sentAt: string): Swipe[] | undefined {
  const texts = value.swipes;
  if (texts === undefined || texts === null) return undefined;
  if (!Array.isArray(texts) || texts.some((t) => typeof t !== "string")) {
    throw new ChatFormatError(file, line, `"swipes" must be a list of strings`);
  }
  if (texts.length === 0) return undefined;
  const info = Array.isArray(value.swipe_info) ? value.swipe_info : [];
  return (texts as string[]).map((text, i) => {
    const entry = isObject(info[i]) ? info[i] : undefined;
    const swipe: Swipe = { text, sentAt: dateString(entry?.send_date) ?? sentAt };
    const rest = entry ? withoutKeys(entry, ["send_date"]) : {};
    const own = takeReasoning(isObject(rest.extra) ? rest.extra : undefined);
    if (own.reasoning) {
      swipe.reasoning = own.reasoning;
      rest.extra = own.rest;
    }
    // Kept even when empty: it records that the message came with its swipes.
    swipe.extra = rest;
    return swipe;
  });
}

function formatMessage(message: ChatMessage): Record<string, unknown> {
  const extra = { ...(message.extra ?? {}) };
  const current = message.swipes[message.swipeIndex] ?? message.swipes[0];
  const absent = extra.is_system === null;
  const isSystem = extra.is_system === false || absent ? message.hidden === true : message.hidden === true || message.role === "system";
  delete extra.is_system;
  const out: Record<string, unknown> = {
    name: message.name,
    is_user: message.role === "user",
    ...(!(absent && !isSystem) && { is_system: isSystem }),
    send_date: current?.sentAt ?? "",
    mes: current?.text ?? "",
  };
  if (hasSwipeList(message)) {
    out.swipes = message.swipes.map((s) => s.text);
    out.swipe_id = message.swipeIndex;
    out.swipe_info = message.swipes.map(formatSwipeInfo);
  }
  const stExtra = putMemory(putReasoning(isObject(extra.extra) ? extra.extra : undefined, current?.reasoning), message.memory);
  if (stExtra) extra.extra = stExtra;
  return { ...out, ...extra };
}

/**
 * SillyTavern's swipe fields are written for a message with several swipes, or one that
 * came with them or was generated here; a greeting or imported line without them stays so.
 */
function hasSwipeList(message: ChatMessage): boolean {
  if (message.swipes.length > 1) return true;
  return message.role === "assistant" && message.swipes.some((s) => s.generation !== undefined || s.extra !== undefined);
}

function formatSwipeInfo(swipe: Swipe): Record<string, unknown> {
  const info: Record<string, unknown> = { send_date: swipe.sentAt, ...swipe.extra };
  if (swipe.generation?.startedAt && !("gen_started" in info)) info.gen_started = swipe.generation.startedAt;
  if (swipe.generation?.finishedAt && !("gen_finished" in info)) info.gen_finished = swipe.generation.finishedAt;
  if (swipe.generation?.model && !("extra" in info)) info.extra = { model: swipe.generation.model };
  const withReasoning = putReasoning(isObject(info.extra) ? info.extra : undefined, swipe.reasoning);
  if (withReasoning) info.extra = withReasoning;
  return info;
}

function lastSentAt(message: ChatMessage): string {
  return message.swipes[message.swipeIndex]?.sentAt ?? "";
}

function stringVariables(value: unknown): Record<string, string> {
  if (!isObject(value)) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) out[key] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

/** Variables that SillyTavern kept as numbers or objects go back the way they came. */
function exportVariables(variables: Record<string, string>, original: unknown): Record<string, unknown> {
  const before = isObject(original) ? original : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(variables)) {
    const old = before[key];
    out[key] = old !== undefined && typeof old !== "string" && JSON.stringify(old) === value ? old : value;
  }
  return out;
}

/**
 * A SillyTavern date as ISO time, or undefined when it is not one. SillyTavern has
 * written "2026-01-01@12h00m00s" (file and chat dates), "January 1, 2026 12:00pm"
 * (message dates) and ISO times over its versions; the first two are local time.
 */
export function sillyTavernDateToIso(text: string): string | undefined {
  const humanized = /^(\d{4})-(\d{2})-(\d{2})@(\d{1,2})h(\d{1,2})m(\d{1,2})s/.exec(text);
  if (humanized) {
    const [y, mo, d, h, mi, se] = humanized.slice(1).map(Number) as [number, number, number, number, number, number];
    return isoOrUndefined(new Date(y, mo - 1, d, h, mi, se).getTime());
  }
  return isoOrUndefined(Date.parse(text.replace(/(\d)\s*(am|pm)$/i, "$1 $2")));
}

/** A time JavaScript can write as ISO (within ±275,000 years), else undefined: a huge send_date is no date. */
function isoOrUndefined(time: number): string | undefined {
  return Number.isFinite(time) && Math.abs(time) <= 8.64e15 ? new Date(time).toISOString() : undefined;
}

/** SillyTavern writes dates as text ("November 24, 2026 10:46pm") or epoch numbers. */
function dateString(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return isoOrUndefined(value);
  return undefined;
}

function optionalString(value: unknown, file: string, line: number, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ChatFormatError(file, line, `"${field}" must be text`);
  return value;
}

function optionalBoolean(value: unknown, file: string, line: number, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") throw new ChatFormatError(file, line, `"${field}" must be true or false`);
  return value;
}

function optionalObject(value: unknown, file: string, line: number, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ChatFormatError(file, line, `"${field}" must be an object`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withoutKeys(value: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (!keys.includes(key)) out[key] = v;
  return out;
}
