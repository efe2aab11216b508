import { approximateTokenCount } from "../../core/prompt/approximateTokens.ts";
import { formatInspection, inspectPrompt } from "../../core/prompt/inspect.ts";
import { PromptBudgetError } from "../../core/prompt/types.ts";
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
    const trainContext = tokenizer?.facts.trainContext || undefined;
    const asked = parseIntegerFlag("context", v.context);
    // As `taproom chat` loads it: never more than the model was trained on.
    if (asked !== undefined && trainContext !== undefined && asked > trainContext) {
      io.stderr.write(`${sanitizeForTerminal(`--context ${asked} is more than ${tokenizer!.name} was trained on: using its ${trainContext} tokens`)}\n`);
    }
    const contextSize = Math.min(asked ?? 8192, trainContext ?? Infinity);
    const model = {
      contextSize,
      ...(trainContext && { trainContext }),
      chatTemplate: tokenizer?.chatTemplate,
      ownTemplate: tokenizer?.ownTemplate,
      countTokens: tokenizer ? (t: string) => tokenizer.countTokens(t) : approximateTokenCount,
    };
    // The reply's reserve comes from the samplers the chat would generate with.
    const preview = (size: number) => session.preview({ model: { ...model, contextSize: size }, ...(v.template && { template: v.template }), ...namesFlag(v.names), ...(maxTokens !== undefined && { maxTokens }) });
    let overflow: PromptBudgetError | undefined;
    let built: Awaited<ReturnType<typeof preview>> | undefined;
    // Too big is when the breakdown matters most: built again in a context just large enough to hold it.
    // Lore is budgeted from the context, so the larger one may hold more: a few tries.
    for (let size = contextSize, tries = 0; !built; tries++) {
      try {
        built = await preview(size);
      } catch (error) {
        const need = error instanceof PromptBudgetError ? error.need : undefined;
        if (!need || tries === 3) throw overflow ?? error;
        overflow ??= error as PromptBudgetError;
        size = need.tokens + (size - need.budget);
      }
    }
    const { prompt, choice } = built;
    const counter = tokenizer ? `${tokenizer.name} tokenizer` : "estimated: about 3.5 characters per token; pass --model for exact counts";
    const budget = overflow?.need?.budget ?? prompt.budget;
    const view = { ...inspectPrompt(prompt, { template: choice.note, counter }), budget };
    const overBy = Math.max(0, prompt.tokens - budget, (overflow?.need?.tokens ?? 0) - budget);
    io.stdout.write(v.json ? `${JSON.stringify({ ...view, fits: !overflow, ...(overflow && { overBy }), text: prompt.text }, null, 2)}\n` : `${formatInspection(view)}\n`);
    if (overflow) {
      io.stderr.write(`${sanitizeForTerminal(`taproom prompt: does not fit, ${overBy} tokens over: ${overflow.message}`)}\n`);
      return 1;
    }
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
