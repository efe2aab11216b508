/** Who the user plays: a name and a description the prompt shows as {{persona}}. */
export interface Persona {
  name: string;
  description: string;
}

export const fallbackPersona: Persona = { name: "User", description: "" };

export class PersonaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PersonaError";
  }
}

export interface PersonaChoice {
  personas: Persona[];
  /** The settings' default persona name. */
  defaultName?: string;
  /** The chat's own choice (ChatSettings.personaName). */
  chatName?: string;
}

/**
 * The persona a chat uses: the chat's choice, else the default, else "User". A name
 * that no longer exists falls through to the next, so a deleted persona never breaks
 * a chat.
 */
export function choosePersona(choice: PersonaChoice): Persona {
  for (const name of [choice.chatName, choice.defaultName]) {
    const found = name === undefined ? undefined : findPersona(choice.personas, name);
    if (found) return found;
  }
  return choice.personas[0] ?? fallbackPersona;
}

export function findPersona(personas: Persona[], name: string): Persona | undefined {
  const wanted = name.trim().toLowerCase();
  return personas.find((p) => p.name.trim().toLowerCase() === wanted);
}

/** Adds or replaces (by name) a persona. */
export function upsertPersona(personas: Persona[], persona: Persona): Persona[] {
  const name = persona.name.trim();
  if (name === "") throw new PersonaError("a persona needs a name");
  const entry = { name, description: persona.description };
  const at = personas.findIndex((p) => p.name.trim().toLowerCase() === name.toLowerCase());
  return at < 0 ? [...personas, entry] : personas.map((p, i) => (i === at ? entry : p));
}

export function removePersona(personas: Persona[], name: string): Persona[] {
  const wanted = name.trim().toLowerCase();
  return personas.filter((p) => p.name.trim().toLowerCase() !== wanted);
}
