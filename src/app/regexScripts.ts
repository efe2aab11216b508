/**
 * Regex scripts outside a chat: the global ones in settings.json (list, import from
 * SillyTavern files, export one as its editor does, delete), and the person's answer
 * about a card's own scripts (allowed or declined, kept by card id and fingerprint).
 */
import { resolve } from "node:path";
import { cardRegexScripts, readRegexScripts, type RegexScript } from "../core/regexScripts/script.ts";
import { cardScriptsState, type CardScriptsState } from "../core/regexScripts/permission.ts";
import { readRegexScriptFile, writeRegexScriptFile } from "../store/regex/regexScriptFiles.ts";
import { cardScriptPermissionsOf } from "../store/roleplaySettings.ts";
import type { SettingsStore } from "../store/settings.ts";
import type { LibraryService } from "./library.ts";
import { answerCardRegex } from "./chats/roleplay.ts";

export interface ScriptListing {
  global: RegexScript[];
  /** The card's scripts and whether they run, when a card was named. */
  card?: { name: string; id: string; scripts: RegexScript[]; state: CardScriptsState };
  /** What could not be read, one line each. */
  problems: string[];
}

export interface RegexService {
  list(character?: string): Promise<ScriptListing>;
  /** Adds the file's scripts to the global ones (new ids); returns their names and what was refused. */
  import(file: string): Promise<{ added: string[]; refused: string[] }>;
  /** Writes one script (a global one, or the card's with `character`) as SillyTavern exports it. */
  export(name: string, out: string, character?: string): Promise<string>;
  /** Removes the global script of that name. */
  remove(name: string): Promise<void>;
  /** Lets the card's scripts run (or keeps them off); returns the card's name and how many scripts it has. */
  answer(character: string, allow: boolean): Promise<{ name: string; count: number; state: CardScriptsState }>;
}

export class RegexScriptNotFoundError extends Error {
  constructor(name: string, where: string) {
    super(`no regex script named "${name}" ${where} (taproom regex list shows them)`);
    this.name = "RegexScriptNotFoundError";
  }
}

export function createRegexService(options: { settings(): Promise<SettingsStore>; library: LibraryService; cwd: string }): RegexService {
  const { library } = options;
  const globals = async () => ((await options.settings()).settings.regexScripts ?? []) as Record<string, unknown>[];
  const card = async (character: string) => {
    const loaded = await library.cardForChat(character);
    return { id: loaded.id ?? loaded.path, character: loaded.card.character };
  };
  const byName = (list: Record<string, unknown>[], name: string) => list.find((s) => typeof s.scriptName === "string" && s.scriptName.toLowerCase() === name.toLowerCase());
  return {
    async list(character) {
      const read = readRegexScripts(await globals(), "regexScripts", { global: true });
      const problems = read.problems.map((p) => `${p.where} ${p.message}`);
      if (character === undefined) return { global: read.scripts, problems };
      const { id, character: c } = await card(character);
      const own = cardRegexScripts(c.extensions);
      problems.push(...own.problems.map((p) => `${c.name}'s ${p.where} ${p.message}`));
      const state = cardScriptsState(cardScriptPermissionsOf((await options.settings()).settings), id, c.extensions);
      return { global: read.scripts, card: { name: c.name, id, scripts: own.scripts, state }, problems };
    },
    async import(file) {
      const imported = await readRegexScriptFile(resolve(options.cwd, file));
      const settings = await options.settings();
      await settings.update({ regexScripts: [...(settings.settings.regexScripts ?? []), ...imported.scripts] });
      return { added: imported.scripts.map((s) => String(s.scriptName)), refused: imported.refused };
    },
    async export(name, out, character) {
      const list = character === undefined ? await globals() : (((await card(character)).character.extensions.regex_scripts ?? []) as Record<string, unknown>[]);
      const script = Array.isArray(list) ? byName(list, name) : undefined;
      if (!script) throw new RegexScriptNotFoundError(name, character === undefined ? "among the global scripts" : `in ${character}'s card`);
      const path = resolve(options.cwd, out);
      await writeRegexScriptFile(path, script);
      return path;
    },
    async remove(name) {
      const settings = await options.settings();
      const list = (settings.settings.regexScripts ?? []) as Record<string, unknown>[];
      const script = byName(list, name);
      if (!script) throw new RegexScriptNotFoundError(name, "among the global scripts");
      await settings.update({ regexScripts: list.filter((s) => s !== script) });
    },
    async answer(character, allow) {
      const { id, character: c } = await card(character);
      const count = cardRegexScripts(c.extensions).scripts.length;
      if (count === 0) return { name: c.name, count, state: "none" };
      const after = await answerCardRegex(await options.settings(), { id, extensions: c.extensions }, allow);
      return { name: c.name, count, state: after.cardScripts };
    },
  };
}
