/**
 * Stored reasoning put back into a prompt, as SillyTavern's PromptReasoning (2025):
 * off by default; when on, the newest `max_additions` messages that have reasoning carry
 * it, wrapped in the template's markers. The message being continued always carries its
 * own, and when it has no reply text yet the block is left open so the model thinks on.
 */
import type { ReasoningSettings } from "./templates.ts";

/** The legacy placeholder SillyTavern wrote for reasoning it could not show. */
const PLACEHOLDER = "\u200B";

export class PromptReasoning {
  private counter = 0;
  /** The continued message was left inside an open block (its prefix and reasoning end the prompt). */
  prefixIncomplete = false;
  /** The reasoning text an open block holds. */
  openReasoning = "";

  constructor(
    private readonly settings: Pick<ReasoningSettings, "add_to_prompts" | "max_additions" | "prefix" | "suffix" | "separator">,
    private readonly expand: (text: string) => string = (t) => t,
  ) {}

  /** No more messages take reasoning (SillyTavern stops walking back). */
  isLimitReached(): boolean {
    return !this.settings.add_to_prompts || this.counter >= this.settings.max_additions;
  }

  /** The message's prompt text with its reasoning in front, when it takes it. */
  addToMessage(content: string, reasoning: string, isPrefix: boolean): string {
    if (!isPrefix && this.isLimitReached()) return content;
    if (!reasoning || reasoning === PLACEHOLDER) return content;
    this.counter++;
    const prefix = this.expand(this.settings.prefix);
    if (isPrefix && content === "") {
      this.prefixIncomplete = true;
      this.openReasoning = reasoning;
      return prefix + reasoning;
    }
    return prefix + reasoning + this.expand(this.settings.suffix) + this.expand(this.settings.separator) + content;
  }
}

export interface ReasoningInPrompt {
  /** Each message's text, the newest last, with the reasoning it carries. */
  texts: string[];
  /** The last message (continued) ends inside an open block holding this reasoning. */
  open?: string;
}

/**
 * SillyTavern's walk: from the newest message back, each (but for `skip`) offered its
 * reasoning, until the limit is reached. `reasoningAt(i, depth)` gives the message's
 * reasoning as the prompt sees it (REASONING regex with its depth applied).
 */
export function addReasoningToPrompt(
  texts: readonly string[],
  reasoningAt: (index: number, depth: number) => string,
  settings: Pick<ReasoningSettings, "add_to_prompts" | "max_additions" | "prefix" | "suffix" | "separator">,
  options: { continuing: boolean; expand?: (text: string) => string; skip?: (index: number) => boolean },
): ReasoningInPrompt {
  const out = texts.slice();
  const reasoning = new PromptReasoning(settings, options.expand);
  for (let i = out.length - 1; i >= 0; i--) {
    const depth = out.length - i - (options.continuing ? 2 : 1);
    const isPrefix = options.continuing && i === out.length - 1;
    if (!options.skip?.(i)) out[i] = reasoning.addToMessage(out[i]!, reasoningAt(i, depth), isPrefix);
    if (reasoning.isLimitReached()) break;
  }
  return { texts: out, ...(reasoning.prefixIncomplete && { open: reasoning.openReasoning }) };
}
