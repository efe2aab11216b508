/**
 * Macros in one member's text (a greeting, a joined card field, a character note) with
 * `{{char}}` as that member: SillyTavern's baseChatReplace with a name override. `\r`
 * is removed, as it does.
 */
import type { Persona } from "../chat/persona.ts";
import { expandMacros, type MacroEnv } from "../prompt/macros.ts";
import type { MemberCard } from "./types.ts";

export interface MemberMacroInput {
  persona: Persona;
  /** Every member with a card, in list order (for {{group}}). */
  members: Pick<MemberCard, "name" | "muted" | "character">[];
  chatId: string;
  variables?: Record<string, string>;
  now?: () => Date;
  random?: () => number;
  timeZone?: string;
}

export type MemberExpand = (text: string, memberName: string) => string;

export function memberMacros(input: MemberMacroInput): MemberExpand {
  const names = input.members.map((m) => m.name);
  const variables = { ...(input.variables ?? {}) };
  return (text, memberName) => {
    const card = input.members.find((m) => m.name === memberName)?.character;
    const env: MacroEnv = {
      char: memberName,
      user: input.persona.name,
      persona: input.persona.description,
      ...(card && { description: card.description, personality: card.personality, scenario: card.scenario, mesExamples: card.mes_example }),
      now: input.now ?? (() => new Date()),
      random: input.random ?? Math.random,
      ...(input.timeZone !== undefined && { timeZone: input.timeZone }),
      chatId: input.chatId,
      variables,
      group: names.join(", "),
      groupNotMuted: input.members.filter((m) => !m.muted).map((m) => m.name).join(", "),
      notChar: [...names.filter((n) => n !== memberName), input.persona.name].join(", "),
    };
    return expandMacros(text, env).replace(/\r/g, "");
  };
}
