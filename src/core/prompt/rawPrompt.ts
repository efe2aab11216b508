/**
 * A prompt built from a text alone, with no card and no history around it (SillyTavern's
 * generateRaw, as the summary's raw builders use it): the system prompt, then the text,
 * as one system turn in instruct mode and answered by a neutral reply line.
 */
import { formatQuietReplyStart, formatSystemPrompt, formatTurn, type Expand } from "./instruct.ts";
import type { InstructTemplate } from "./templates.ts";

export function buildRawPrompt(options: { text: string; systemPrompt?: string; template: InstructTemplate; expand: Expand }): string {
  const seq = options.template.sequences;
  let prompt = options.text;
  if (options.systemPrompt) {
    const system = options.expand(options.systemPrompt);
    prompt = `${seq ? formatSystemPrompt(seq, system) : system}\n${prompt}`;
  }
  prompt = options.expand(prompt);
  if (!seq) return `${prompt}\n`.replace(/\r/g, "");
  return (formatTurn(seq, { name: "", text: prompt, isUser: false, isNarrator: true }, options.expand) + formatQuietReplyStart(seq, options.expand)).replace(/\r/g, "");
}
