import { approximateTokenCount } from "../../core/prompt/approximateTokens.ts";
import { formatInspection, inspectPrompt } from "../../core/prompt/inspect.ts";
import { createApp } from "../../app/app.ts";
import type { ModelTokenizer } from "../../app/models.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import { namesFlag } from "../namesFlag.ts";
import { promptHelp } from "./help.ts";

const options = {
  character: { type: "string" },
  chat: { type: "string" },
  model: { type: "string" },
  template: { type: "string" },
  names: { type: "string" },
  context: { type: "string" },
  "max-tokens": { type: "string" },
  json: { type: "boolean" },
} as const;

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: v } = parseCommandArgs(argv, options, false);
  if (!v.character) throw new UsageError("--character FILE_OR_NAME is required");
  const maxTokens = parseIntegerFlag("max-tokens", v["max-tokens"]);
  const app = createApp({ env: io.env, cwd: io.cwd });
  const chat = v.chat === undefined ? {} : v.chat.endsWith(".jsonl") ? { file: v.chat } : { chatId: v.chat };
  const session = await app.chats.open({ characterId: v.character, unsaved: true, ...chat });
  for (const line of session.bookNotes) io.stderr.write(`${sanitizeForTerminal(line)}\n`);
  const tokenizer: ModelTokenizer | undefined = v.model ? await app.models.tokenizer(v.model) : undefined;
  try {
    const contextSize = parseIntegerFlag("context", v.context) ?? Math.min(8192, tokenizer?.facts.trainContext || 8192);
    const model = {
      contextSize,
      chatTemplate: tokenizer?.chatTemplate,
      ownTemplate: tokenizer?.ownTemplate,
      countTokens: tokenizer ? (t: string) => tokenizer.countTokens(t) : approximateTokenCount,
    };
    // The reply's reserve comes from the samplers the chat would generate with.
    const { prompt, choice } = session.preview({ model, ...(v.template && { template: v.template }), ...namesFlag(v.names), ...(maxTokens !== undefined && { maxTokens }) });
    const counter = tokenizer ? `${tokenizer.name} tokenizer` : "estimated: about 3.5 characters per token; pass --model for exact counts";
    const view = inspectPrompt(prompt, { template: choice.note, counter });
    io.stdout.write(v.json ? `${JSON.stringify({ ...view, text: prompt.text }, null, 2)}\n` : `${formatInspection(view)}\n`);
  } finally {
    await tokenizer?.close();
    await app.close();
  }
  return 0;
}

export const promptCommand: CliCommand = {
  ...promptHelp,
  run,
};
