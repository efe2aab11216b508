import type { ChatMessage } from "../chat/types.ts";
import type { PromptRole } from "../lorebook/insertion.ts";
import type { ExtensionPrompt } from "../prompt/types.ts";
import { MemoryPosition, type MemorySettings } from "./settings.ts";
import { formatMemory, latestMemory } from "./summary.ts";

const ROLES: PromptRole[] = ["system", "user", "assistant"];

/**
 * The summary in use as the prompt block SillyTavern sets for it ("1_memory"): at the
 * settings' position (before or after the story string, or in the chat at a depth and
 * role); none when there is no summary or the position is NONE.
 */
export function memoryPrompts(messages: readonly ChatMessage[], settings: MemorySettings): ExtensionPrompt[] {
  const text = formatMemory(latestMemory(messages).text, settings.template);
  if (!text || settings.position === MemoryPosition.NONE) return [];
  const position = settings.position === MemoryPosition.BEFORE_PROMPT ? "before_story" : settings.position === MemoryPosition.IN_CHAT ? "in_chat" : "after_story";
  return [{ key: "1_memory", text, position, depth: settings.depth, role: ROLES[settings.role] ?? "system", kind: "memory", label: "summary" }];
}
