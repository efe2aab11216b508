export { buildPrompt, messageText, regexRunner, type RegexRunner } from "./build.ts";
export { firstKeptMessage, type TrimInput } from "./budget.ts";
export { expandMacros, humanizeDuration, seededUnit, type MacroEnv } from "./macros.ts";
export { approximateTokenCount } from "./approximateTokens.ts";
export {
  INSTRUCT_TEMPLATES,
  UnknownTemplateError,
  chooseTemplate,
  getTemplate,
  templateFromChatTemplate,
  withNames,
  type InstructTemplate,
  type TemplateChoice,
} from "./templates.ts";
export type { TurnFormat } from "./derivedTemplate.ts";
export * from "./formats.ts";
export * from "./types.ts";
export { formatInspection, inspectPrompt, type InspectOptions, type PromptInspection } from "./inspect.ts";
export { trimmingNote } from "./trimmingNote.ts";
export { historyForTurn, promptMode, turnText, TurnModeError, type TurnMode } from "./turn.ts";
export { deriveTemplate, type RenderTurn, type RenderTurns } from "./derivedTemplate.ts";
