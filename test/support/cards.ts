// Cards the tests build themselves, in each format people bring.

export function v1Card(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "Odo",
    description: "A ferryman.",
    personality: "gruff",
    scenario: "At the river.",
    first_mes: "Fare's a copper.",
    mes_example: "<START>\n{{user}}: Hi\n{{char}}: Fare.",
    create_date: "2023-1-1",
    talkativeness: "0.5",
    ...extra,
  };
}

export function v2Card(data: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    spec: "chara_card_v2",
    spec_version: "2.0",
    ...top,
    data: {
      name: "Ilsa",
      description: "A lighthouse keeper.",
      personality: "patient",
      scenario: "A storm.",
      first_mes: "The lamp is lit.",
      mes_example: "<START>\n{{user}}: Hello\n{{char}}: Mind the stairs.",
      creator_notes: "notes",
      system_prompt: "Be {{original}} and kind.",
      post_history_instructions: "Stay in character.",
      alternate_greetings: ["Another night.", "Fog again."],
      tags: ["sea", "calm"],
      creator: "tester",
      character_version: "2",
      extensions: { world: "Coast", talkativeness: "0.5", depth_prompt: { prompt: "p", depth: 4, role: "system" }, x_unknown: { deep: [1, 2] } },
      character_book: {
        name: "Lamp lore",
        extensions: { book_ext: true },
        entries: [
          { keys: ["lamp"], content: "The lamp burns whale oil.", extensions: { position: 4, depth: 2 }, enabled: true, insertion_order: 100, secondary_keys: ["oil"], selective: true, weird_key: "kept" },
          { keys: [], content: "Always here.", extensions: {}, enabled: true, insertion_order: 1, constant: true, position: "before_char" },
        ],
      },
      x_data_unknown: "kept too",
      ...data,
    },
  };
}

export function v3Card(data: Record<string, unknown> = {}): Record<string, unknown> {
  const v2 = v2Card();
  return {
    spec: "chara_card_v3",
    spec_version: "3.0",
    data: {
      ...(v2.data as Record<string, unknown>),
      name: "Ilsa Three",
      nickname: "Ils",
      creator_notes_multilingual: { en: "notes", fr: "notes fr" },
      source: ["https://example.invalid/ilsa"],
      group_only_greetings: ["Hello, all."],
      creation_date: 1700000000,
      modification_date: 1700000100,
      assets: [{ type: "icon", uri: "ccdefault:", name: "main", ext: "png" }],
      ...data,
    },
  };
}

export const json = (value: unknown) => JSON.stringify(value);
export const bytesOf = (text: string) => new TextEncoder().encode(text);
