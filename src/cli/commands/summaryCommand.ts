import type { CliCommand, CliIO } from "../command.ts";
import { UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { summaryHelp } from "./help.ts";

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: v } = parseCommandArgs(argv, { chat: { type: "string" }, set: { type: "string" }, update: { type: "boolean" }, model: { type: "string" }, json: { type: "boolean" } }, false);
  if (!v.chat) throw new UsageError("--chat NAME is required");
  if (v.set !== undefined && v.update) throw new UsageError("use either --set or --update, not both");
  if (v.update && !v.model) throw new UsageError("--update writes the summary with a model: add --model FILE");
  const app = createApp({ env: io.env, cwd: io.cwd });
  try {
    const session = await app.chats.open({ chatId: v.chat });
    let done = "shown";
    if (v.set !== undefined) {
      session.setSummary(v.set);
      done = v.set.trim() ? "set" : "cleared";
    } else if (v.update) {
      await app.models.load(v.model!);
      const outcome = await session.summarize();
      if (!outcome.written) io.stderr.write(`${displayText(`No summary written: ${outcome.text}`)}\n`);
      done = outcome.written ? "updated" : "unchanged";
    }
    await session.flush();
    const { text, index } = session.summary();
    if (v.json) io.stdout.write(`${JSON.stringify({ summary: text, message: index < 0 ? null : index, done }, null, 2)}\n`);
    else io.stdout.write(`${displayText(text || "This chat has no summary yet (taproom summary --update --model FILE writes one).")}\n`);
    return done === "unchanged" ? 1 : 0;
  } finally {
    await app.close();
  }
}

export const summaryCommand: CliCommand = { ...summaryHelp, run };
