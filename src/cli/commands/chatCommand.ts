import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { SamplerRangeError } from "../../core/samplers/validate.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { notAppliedNotice } from "../../core/samplers/notApplied.ts";
import { createApp } from "../../app/app.ts";
import type { GpuChoice } from "../../app/options.ts";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import { namesFlag } from "../namesFlag.ts";
import { groupTurnRequest, openGroupSession, printGroupTurn, type GroupChatFlags } from "./groupChat.ts";
import { reuseSummary } from "../../core/promptCache/explain.ts";
import { sanitizeForTerminal } from "../../core/text/sanitize.ts";
import { readSamplerFlags, readTokenFlags, samplerFlagOptions, tokenFlagOptions } from "../samplerFlags.ts";
import { chatHelp } from "./help.ts";
import { backendFlagOptions, readBackendFlags } from "../backendFlags.ts";

const options = {
  model: { type: "string" },
  character: { type: "string" },
  message: { type: "string", short: "m" },
  chat: { type: "string" },
  "new-chat": { type: "string" },
  template: { type: "string" },
  names: { type: "string" },
  json: { type: "boolean" },
  "allow-card-scripts": { type: "boolean" },
  ...samplerFlagOptions,
  ...tokenFlagOptions,
  preset: { type: "string" },
  group: { type: "string" },
  as: { type: "string" },
  gpu: { type: "string" },
  "gpu-layers": { type: "string" },
  context: { type: "string" },
  threads: { type: "string" },
  ...backendFlagOptions,
} as const;

const GPU_CHOICES = ["auto", "cuda", "vulkan", "metal", "cpu"];

export function parseGpuChoice(value: string | undefined): GpuChoice | undefined {
  if (value === undefined) return undefined;
  if (!GPU_CHOICES.includes(value)) throw new UsageError(`--gpu must be one of ${GPU_CHOICES.join(", ")}, got "${value}"`);
  return value as GpuChoice;
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values: v } = parseCommandArgs(argv, options, false);
  const backend = readBackendFlags(v, io.env, v.context !== undefined ? parseIntegerFlag("context", v.context) : undefined);
  if (backend && v.model) throw new UsageError("use either --model FILE or --backend URL, not both");
  if (!v.model && !backend) throw new UsageError("--model FILE (or --backend URL --api NAME) is required");
  if (v.chat && v["new-chat"]) throw new UsageError("use either --chat or --new-chat, not both");
  if (v.group !== undefined && v.character !== undefined) throw new UsageError("use either --group or --character, not both");
  if (v.as !== undefined && v.group === undefined) throw new UsageError("--as MEMBER works with --group NAME");
  if (v.group === undefined && !v.message) throw new UsageError("--message TEXT is required");
  if (v.group === undefined && !v.chat && !v.character) throw new UsageError("--character FILE_OR_NAME is required (or --chat NAME, or --group NAME)");
  const flags = { ...readSamplerFlags(v), ...(await readTokenFlags(v, (path) => readFile(resolve(io.cwd, path), "utf8"))) };
  const gpu = parseGpuChoice(v.gpu);
  const names = namesFlag(v.names);
  const runtime = {
    ...(gpu && { gpu }),
    ...(v["gpu-layers"] !== undefined && { gpuLayers: parseIntegerFlag("gpu-layers", v["gpu-layers"]) }),
    ...(v.context !== undefined && { contextSize: parseIntegerFlag("context", v.context) }),
    ...(v.threads !== undefined && { threads: parseIntegerFlag("threads", v.threads) }),
  };
  // One writer at a time: a second `taproom chat` on this chat waits for the first to save, then reads its messages.
  const app = createApp({ env: io.env, cwd: io.cwd, runtime, chatLock: { purpose: "taproom chat", waitMs: 120_000 } });
  try {
    const group: GroupChatFlags | undefined = v.group === undefined ? undefined : {
      group: v.group, ...(v.message !== undefined && { message: v.message }), ...(v.as !== undefined && { as: v.as }),
      ...(v.chat !== undefined && { chat: v.chat }), ...(v["new-chat"] !== undefined && { newChat: v["new-chat"] }),
    };
    // A saved chat names its card by id; a deleted card's chats go on with the card from the trash.
    const session = group ? await openGroupSession(app, group) : await app.chats.open(
      v.chat ? { chatId: v.chat } : { characterId: v.character!, ...(v["new-chat"] ? { title: v["new-chat"] } : { unsaved: true }) },
    );
    // Books the chat names that are missing, and what reading the others repaired.
    for (const line of session.bookNotes) io.stderr.write(`${sanitizeForTerminal(line)}\n`);
    if (v["allow-card-scripts"] && session.roleplay().cardScripts !== "allowed" && session.roleplay().cardScripts !== "none") await session.allowCardScripts(true);
    const { cardScripts, cardScriptCount } = session.roleplay();
    if (cardScripts === "ask" || cardScripts === "declined") {
      io.stderr.write(`${sanitizeForTerminal(`${session.character.name}'s card has ${cardScriptCount} regex script${cardScriptCount === 1 ? "" : "s"}, not run: --allow-card-scripts (or taproom regex allow) runs them`)}
`);
    }
    const common = { preset: v.preset, samplers: flags, ...(v.template && { template: v.template }), ...names };
    const turn = group ? groupTurnRequest(group, common) : { mode: "reply" as const, text: v.message!, ...common };
    try {
      // Refused before the model loads: a wrong value costs no waiting.
      const samplers = await app.presets.forChat(session.chat().settings, turn);
      const notice = notAppliedNotice(samplers);
      if (notice) io.stderr.write(`${sanitizeForTerminal(notice)}\n`);
    } catch (error) {
      if (error instanceof SamplerRangeError) throw new UsageError(error.message);
      throw error;
    }
    if (backend) {
      const remote = await app.backends.connect(backend);
      for (const note of remote.notes) io.stderr.write(`${sanitizeForTerminal(note)}\n`);
    } else {
      await app.models.load(v.model!);
      const info = app.models.plan();
      if (info && runtime.contextSize !== undefined && info.trainContext > 0 && runtime.contextSize > info.trainContext) {
        io.stderr.write(`${sanitizeForTerminal(`--context ${runtime.contextSize} is more than ${info.name} was trained on: using its ${info.trainContext} tokens`)}\n`);
      }
    }
    const played = await session.play(turn);
    for (const problem of session.roleplay().problems) io.stderr.write(`${sanitizeForTerminal(problem)}\n`);
    const plan = backend ? { backend: app.backends.current()!.notes } : app.models.plan();
    if (played.group) printGroupTurn(played, io, { plan, json: v.json });
    else if (v.json) {
      const reuse = played.report?.reuse;
      io.stdout.write(`${JSON.stringify({
        reply: played.text,
        reasoning: played.reasoning?.text,
        summary: played.summary && { written: played.summary.written, text: played.summary.text },
        stopReason: played.stopReason,
        tokens: played.tokens,
        timings: { ...played.timings, tokensPerSecond: played.timings.tokensPerSecond ?? played.tokensPerSecond },
        cache: reuse && { ...reuse, summary: reuseSummary(reuse) },
        template: played.template,
        lore: played.loreEntries,
        plan,
        chat: v.chat || v["new-chat"] ? played.chat.title : undefined,
      }, (k, x) => (k === "facts" ? undefined : x), 2)}\n`);
    } else {
      io.stdout.write(`${displayText(played.text)}\n`);
    }
  } finally {
    await app.close();
  }
  return 0;
}

export const chatCommand: CliCommand = {
  ...chatHelp,
  run,
};
