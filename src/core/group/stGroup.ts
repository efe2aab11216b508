/**
 * SillyTavern's group definition JSON <-> Group. Reads both shapes: 2024's, with the
 * chats' metadata in the group file (chat_metadata, past_metadata), and 2025's, with it
 * in each chat file's header line; legacy groups that listed members by name are
 * converted as getGroups converts them. Writes 2025's shape (or 2024's, on request).
 * Keys taproom does not use are kept and written back as they were.
 */
import type { Group } from "./types.ts";

export class GroupFormatError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = "GroupFormatError";
  }
}

/** A group as read from SillyTavern: `chats` and `chatId` still hold its chat names (the JSONL files' names). */
export interface ImportedGroup {
  group: Group;
  /** Each chat's metadata from a 2024 group file (migrated as SillyTavern 2025 migrates it); {} when it has none there. */
  chatMetadata: Record<string, Record<string, unknown>>;
  /** A legacy group: `members` were character names; the caller finds their cards by name. */
  membersByName: boolean;
}

const KNOWN = new Set([
  "id", "name", "members", "disabled_members", "activation_strategy", "generation_mode", "allow_self_responses",
  "generation_mode_join_prefix", "generation_mode_join_suffix", "auto_mode_delay", "chat_id", "chats", "chat_metadata", "past_metadata",
]);

export function parseStGroup(text: string, file: string): ImportedGroup {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GroupFormatError(file, `not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new GroupFormatError(file, "expected a JSON object (a SillyTavern group)");
  const r = new Reader(value, file);
  const id = r.idText("id");
  if (id === undefined) throw new GroupFormatError(file, `"id" is missing`);
  const legacy = value.chat_id === undefined || value.chat_id === null;
  const chatId = legacy ? id : r.idText("chat_id")!;
  const chats = legacy ? [id] : (r.idList("chats") ?? [chatId]);
  const members = r.stringList("members") ?? [];
  const group: Group = {
    id,
    name: r.string("name") ?? "New Group",
    members: legacy ? [...new Set(members)] : members,
    muted: r.stringList("disabled_members") ?? [],
    activationStrategy: r.number("activation_strategy") ?? 0,
    generationMode: r.number("generation_mode") ?? 0,
    joinPrefix: r.string("generation_mode_join_prefix") ?? "",
    joinSuffix: r.string("generation_mode_join_suffix") ?? "",
    allowSelfResponses: r.boolean("allow_self_responses") ?? false,
    autoModeDelay: r.number("auto_mode_delay") ?? 5,
    chatId,
    chats,
    cards: {},
    extra: {},
  };
  for (const [key, v] of Object.entries(value)) if (!KNOWN.has(key)) group.extra[key] = key === "fav" ? r.boolean("fav") : v;
  return { group, chatMetadata: migrateMetadata(value, chatId, chats, file), membersByName: legacy };
}

/** SillyTavern 2025's migrateGroupChatsMetadataFormat: the open chat's metadata, then each past chat's. */
function migrateMetadata(value: Record<string, unknown>, chatId: string, chats: string[], file: string): Record<string, Record<string, unknown>> {
  const past = value.past_metadata ?? {};
  const current = value.chat_metadata;
  if (!isObject(past)) throw new GroupFormatError(file, `"past_metadata" must be an object`);
  if (current !== undefined && current !== null && !isObject(current)) throw new GroupFormatError(file, `"chat_metadata" must be an object`);
  const all: Record<string, unknown> = { ...past, ...(isObject(current) && { [chatId]: current }) };
  const out: Record<string, Record<string, unknown>> = {};
  for (const chat of chats) {
    const meta = all[chat];
    out[chat] = isObject(meta) ? meta : {};
  }
  return out;
}

export interface FormatStGroupOptions {
  /** The SillyTavern name of each of the group's chats (taproom chat id -> file name without .jsonl). */
  chatNames: ReadonlyMap<string, string>;
  /** SillyTavern 2024's shape: each chat's metadata (by taproom chat id) goes into the group file. */
  legacyMetadata?: ReadonlyMap<string, Record<string, unknown>>;
}

/** The group as SillyTavern's group file, pretty-printed as it writes it (4 spaces). */
export function formatStGroup(group: Group, options: FormatStGroupOptions): string {
  const name = (chatId: string) => options.chatNames.get(chatId) ?? chatId;
  const chats = group.chats.filter((c) => options.chatNames.has(c)).map(name);
  const chatId = options.chatNames.has(group.chatId) ? name(group.chatId) : "";
  const out: Record<string, unknown> = {
    id: group.id,
    name: group.name,
    members: group.members,
    ...pick(group.extra, "avatar_url"),
    allow_self_responses: group.allowSelfResponses,
    activation_strategy: group.activationStrategy,
    generation_mode: group.generationMode,
    disabled_members: group.muted,
    ...pick(group.extra, "fav"),
    chat_id: chatId,
    chats,
    auto_mode_delay: group.autoModeDelay,
    generation_mode_join_prefix: group.joinPrefix,
    generation_mode_join_suffix: group.joinSuffix,
    ...group.extra,
  };
  if (options.legacyMetadata) {
    out.chat_metadata = options.legacyMetadata.get(group.chatId) ?? {};
    out.past_metadata = Object.fromEntries(group.chats.filter((c) => c !== group.chatId && options.chatNames.has(c)).map((c) => [name(c), options.legacyMetadata!.get(c) ?? {}]));
  }
  return JSON.stringify(out, null, 4);
}

function pick(extra: Record<string, unknown>, key: string): Record<string, unknown> {
  return key in extra ? { [key]: extra[key] } : {};
}

/** Reads one field at a time, with a one-line error naming the file and the field. */
class Reader {
  constructor(private readonly value: Record<string, unknown>, private readonly file: string) {}

  private fail(key: string, what: string): never {
    throw new GroupFormatError(this.file, `"${key}" must be ${what}`);
  }

  private get(key: string): unknown {
    const v = this.value[key];
    return v === null ? undefined : v;
  }

  string(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined || typeof v === "string") return v;
    return this.fail(key, "text");
  }

  /** SillyTavern's ids were numbers once: they are read as text. */
  idText(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return String(v);
    return this.fail(key, "text or a number");
  }

  idList(key: string): string[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" && typeof x !== "number")) this.fail(key, "a list of chat names");
    return (v as (string | number)[]).map(String);
  }

  stringList(key: string): string[] | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) this.fail(key, "a list of avatar file names");
    return v as string[];
  }

  /** `Number(value)` as SillyTavern reads its numbers; text that is not a number is refused. */
  number(key: string): number | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) this.fail(key, "a number");
    return n;
  }

  boolean(key: string): boolean | undefined {
    const v = this.get(key);
    if (v === undefined || typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    return this.fail(key, "true or false");
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
