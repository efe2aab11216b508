/**
 * What a chat takes from the user's roleplay settings: how reasoning is split and put
 * back, the running summary's settings, and the regex scripts it runs (the global ones,
 * and the card's once the person allowed them), each match time-bounded in the worker.
 */
import type { MemorySettings } from "../../core/memory/settings.ts";
import type { PromptRegex } from "../../core/prompt/types.ts";
import type { ReasoningSettings } from "../../core/reasoning/templates.ts";
import { answerCardScripts, scriptsForChat, type CardScriptsState } from "../../core/regexScripts/permission.ts";
import type { RegexScript } from "../../core/regexScripts/script.ts";
import { sharedRegexFinder } from "../../engine/regex/boundedRegexFinder.ts";
import { cardScriptPermissionsOf, memorySettingsOf, reasoningSettingsOf } from "../../store/roleplaySettings.ts";
import type { SettingsStore } from "../../store/settings.ts";

export interface ChatRoleplay {
  reasoning: ReasoningSettings;
  memory: MemorySettings;
  /** The scripts that run, in order, and the bounded finder they match with. */
  regex: PromptRegex;
  /** Whether the card's own scripts run: "none" (it has none), "allowed", "ask" (never answered), "declined". */
  cardScripts: CardScriptsState;
  cardScriptCount: number;
  /** Scripts that could not be read or were stopped, one line each (shown, never thrown). */
  problems: string[];
}

export interface RoleplayCard {
  /** The library id the permission is kept under. */
  id: string;
  extensions: Record<string, unknown>;
}

/** The roleplay settings in force for a chat with this card. */
export function chatRoleplay(settings: SettingsStore, card: RoleplayCard): ChatRoleplay {
  const current = settings.settings;
  const chosen = scriptsForChat({ global: current.regexScripts ?? [], cardId: card.id, extensions: card.extensions, permissions: cardScriptPermissionsOf(current) });
  const problems = chosen.problems.map((p) => `${p.where} ${p.message}`);
  const report = (script: RegexScript, problem: string) => {
    const line = `regex script "${script.scriptName}": ${problem}`;
    if (!problems.includes(line)) problems.push(line);
  };
  return {
    reasoning: reasoningSettingsOf(current),
    memory: memorySettingsOf(current),
    regex: { scripts: chosen.scripts, finder: sharedRegexFinder(), report },
    cardScripts: chosen.card,
    cardScriptCount: chosen.cardScriptCount,
    problems,
  };
}

/** Records the person's answer about the card's current scripts; the roleplay settings after it. */
export async function answerCardRegex(settings: SettingsStore, card: RoleplayCard, allow: boolean): Promise<ChatRoleplay> {
  await settings.update({ cardScripts: answerCardScripts(cardScriptPermissionsOf(settings.settings), card.id, card.extensions, allow) });
  return chatRoleplay(settings, card);
}
