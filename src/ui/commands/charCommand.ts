import { displayText } from "../../core/text/sanitize.ts";
import { CommandArgumentError, type CharacterChoice, type SlashCommand } from "./command.ts";

/**
 * The characters a typed name means, most exact first: the id as written (what /char
 * suggests when names clash), the whole name, the start of a name, then any part of a
 * name or id (these case-insensitive).
 */
export function matchCharacters(choices: CharacterChoice[], typed: string): CharacterChoice[] {
  const exact = typed.trim().replace(/\s+/g, " ");
  const q = exact.toLowerCase();
  if (!q) return [];
  const tiers = [
    (c: CharacterChoice) => c.id === exact,
    (c: CharacterChoice) => c.name.toLowerCase() === q,
    (c: CharacterChoice) => c.name.toLowerCase().startsWith(q),
    (c: CharacterChoice) => c.name.toLowerCase().includes(q) || c.id.toLowerCase().includes(q),
  ];
  for (const tier of tiers) {
    const found = choices.filter(tier);
    if (found.length) return found;
  }
  return [];
}

const named = (c: CharacterChoice) => `${displayText(c.name)} (${displayText(c.id)})`;

export const charCommand: SlashCommand = {
  name: "char",
  description: "Switch to a character's latest chat (this one is saved)",
  usage: "/char NAME",
  action(args, ctx) {
    const typed = args.trim();
    if (!typed) throw new CommandArgumentError("/char needs a name, e.g. /char Brindle (Tab completes names)");
    const found = matchCharacters(ctx.characters(), typed);
    const [only] = found;
    if (!only) throw new CommandArgumentError(`/char: no character matches "${displayText(typed)}"`);
    if (found.length > 1) {
      const listed = found.slice(0, 5).map(named).join(", ") + (found.length > 5 ? `, and ${found.length - 5} more` : "");
      throw new CommandArgumentError(`/char: "${displayText(typed)}" could be ${listed}; type more of the name, or the id`);
    }
    ctx.openCharacter(only.id);
  },
  complete(partial, ctx) {
    const q = partial.trimStart().toLowerCase();
    const names = [...new Set(ctx.characters().map((c) => c.name))].sort((a, b) => a.localeCompare(b));
    const starts = names.filter((n) => n.toLowerCase().startsWith(q));
    return starts.length ? starts : names.filter((n) => n.toLowerCase().includes(q));
  },
};
