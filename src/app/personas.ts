/** The personas the person plays (settings.json): list, add or describe, the default, delete. */
import { findPersona, type Persona } from "../core/chat/persona.ts";
import type { ChatSettings } from "../core/chat/types.ts";
import type { SettingsStore } from "../store/settings.ts";

export type { Persona };

export interface PersonaService {
  /** Every persona, and the name of the default one. */
  list(): Promise<{ personas: Persona[]; defaultName: string | undefined }>;
  /** Adds a persona or changes its description (the name's case as first saved); `makeDefault` makes new chats start as it. */
  set(name: string, options?: { description?: string; makeDefault?: boolean }): Promise<{ persona: Persona; added: boolean; isDefault: boolean }>;
  /** Returns the default's name as saved. */
  setDefault(name: string): Promise<string>;
  remove(name: string): Promise<void>;
  /**
   * Who the person speaks as in a chat: its own choice, else the default, else "User".
   * A name picked with /persona that is not saved is still who they speak as.
   */
  forChat(chat: ChatSettings): Promise<Persona>;
}

export function createPersonaService(settings: () => Promise<SettingsStore>): PersonaService {
  return {
    async list() {
      const store = await settings();
      return { personas: store.personas, defaultName: store.settings.defaultPersona };
    },
    async set(name, { description, makeDefault } = {}) {
      const store = await settings();
      const before = findPersona(store.personas, name);
      const persona = { name: before?.name ?? name, description: description ?? before?.description ?? "" };
      await store.savePersona(persona);
      if (makeDefault) await store.setDefaultPersona(name);
      const isDefault = findPersona(store.personas, store.settings.defaultPersona ?? "")?.name.toLowerCase() === name.toLowerCase();
      return { persona, added: !before, isDefault };
    },
    async setDefault(name) {
      const saved = await (await settings()).setDefaultPersona(name);
      return saved.defaultPersona ?? name;
    },
    async remove(name) {
      await (await settings()).deletePersona(name);
    },
    async forChat(chat) {
      const store = await settings();
      const chosen = chat.personaName;
      return chosen !== undefined && !findPersona(store.personas, chosen) ? { name: chosen, description: "" } : store.personaFor(chat);
    },
  };
}
