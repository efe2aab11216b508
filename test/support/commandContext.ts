import type { CharacterChoice, CommandContext } from "../../src/ui/commands/command.ts";
import { builtInPresets } from "../../src/core/samplers/presets.ts";
import { getTemplate } from "../../src/core/prompt/templates.ts";
import { slashCommands } from "../../src/ui/commands/index.ts";
import type { SamplerSettings } from "../../src/core/samplers/types.ts";

/** A CommandContext that records what commands did. */
export function recordingContext(options: {
  cardScripts?: { count: number; state: "none" | "allowed" | "ask" | "declined" };
  models?: string[];
  characters?: CharacterChoice[];
  books?: { attached?: string[]; inUse?: string[]; available?: string[] };
  /** A group chat's members; absent, a chat with one character. */
  members?: { name: string; muted: boolean }[];
} = {}) {
  const characters = options.characters ?? [];
  const books = options.books ?? {};
  const lore = { attached: books.attached ?? [], inUse: books.inUse ?? [], available: books.available ?? [] };
  const models = options.models ?? [];
  const samplers: Partial<SamplerSettings> = {};
  const notes: string[] = [];
  let swipes = 0;
  let template: string | null = null;
  let names: boolean | undefined;
  let summary = "";
  const calls: string[] = [];
  const ctx: CommandContext = {
    setSamplers: (c) => Object.assign(samplers, c),
    notify: (m) => notes.push(m),
    swipe: () => void swipes++,
    continueReply: () => void calls.push("continueReply"),
    impersonate: () => void calls.push("impersonate"),
    setPersona: (name) => void calls.push(`persona:${name}`),
    setAuthorsNote: (text) => void calls.push(`note:${text}`),
    presets: () => builtInPresets.slice(),
    choosePreset: (name) => void calls.push(`preset:${name}`),
    listCommands: () => slashCommands,
    characters: () => characters,
    openCharacter: (id) => void calls.push(`open:${id}`),
    lorebooks: () => ({ ...lore, inUse: [...new Set([...lore.inUse, ...lore.attached])] }),
    setLorebooks: (names) => {
      calls.push(`lore:${names.join("|")}`);
      lore.attached = names;
    },
    branch: () => void calls.push("branch"),
    exportChat: (path) => void calls.push(`export:${path ?? "(default)"}`),
    personaNames: () => ["Ada", "Sir Galahad"],
    modelNames: () => models,
    loadModel: (name) => void calls.push(`model:${name}`),
    template: () => ({ name: template, names }),
    setTemplate: (name) => {
      template = name.trim().toLowerCase() === "auto" ? null : getTemplate(name).name;
      return template;
    },
    setNames: (value) => void (names = value),
    members: () => options.members ?? null,
    speak: (name) => void calls.push(`speak:${name}`),
    summary: () => summary,
    setSummary: (text) => void (summary = text),
    summarize: () => void calls.push("summarize"),
    cardScripts: () => options.cardScripts ?? { count: 0, state: "none" },
    answerCardScripts: (allow) => void calls.push(`scripts:${allow ? "allow" : "deny"}`),
  };
  return { ctx, samplers, notes, calls, swipes: () => swipes };
}
