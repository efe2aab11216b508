/**
 * The turn loop on real llama.cpp: how many prompt tokens each turn evaluates against
 * the tokens new in that turn (the messages the previous prompt did not have, and the
 * reply prefix), over a scripted 100-turn roleplay whose lore entries come and go and
 * whose history outgrows the context.
 *
 * Baseline: SillyTavern's text-completion prompt on llama-server with cache_prompt:
 * the same prompt text and lore positions, history trimmed one message at a time
 * against the budget the lore leaves, and only the longest common token prefix reused.
 * Both run through the same engine here, the baseline with taproom's trimming hold and
 * context shift turned off; evaluated counts are llama.cpp's tokens, not estimates.
 * taproom runs twice: as it ships (splice on: lore that moved is kept, lore that came is
 * evaluated in place) and with splice off (erase-and-shift reuse only).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadModel, type LoadedModel } from "../src/engine/generation/loadModel.ts";
import { KvStateStore } from "../src/store/kvStates.ts";
import { writeRandomModel } from "../test/support/tinyGguf.ts";
import { assistantMessage, benchCharacter, scriptedReply, userMessage } from "./support/scriptedChat.ts";
import { benchBook, benchChat, playLoop, SILLYTAVERN, TAPROOM, TAPROOM_NO_SPLICE, type TurnFigures } from "./support/turnLoop.ts";
import type { Lorebook } from "../src/core/lorebook/model.ts";

// Fewer turns while working on it: TAPROOM_BENCH_TURNS=30 npm run bench turnLoop.
const TURNS = Number(process.env.TAPROOM_BENCH_TURNS) || 100;
const CONTEXT = 2048;
const REOPEN_CONTEXT = 4096;
const REOPEN_TURNS = 11;

const sum = (list: TurnFigures[], key: keyof TurnFigures) => list.reduce((s, t) => s + (t[key] as number), 0);

function report(name: string, figures: TurnFigures[]): number {
  const evaluated = sum(figures, "evaluated");
  const fresh = sum(figures, "newTokens");
  const ratio = evaluated / fresh;
  console.log(`  ${name.padEnd(34)} prompt ${String(sum(figures, "promptTokens")).padStart(7)}  new ${String(fresh).padStart(6)}  evaluated ${String(evaluated).padStart(7)}  evaluated/new ${ratio.toFixed(2)}`);
  return ratio;
}

function causes(figures: TurnFigures[]): void {
  const byCause = new Map<string, { turns: number; reprocessed: number }>();
  for (const t of figures.slice(1)) {
    const c = byCause.get(t.cause) ?? { turns: 0, reprocessed: 0 };
    c.turns++;
    c.reprocessed += t.reprocessed;
    byCause.set(t.cause, c);
  }
  const line = [...byCause].sort((a, b) => b[1].reprocessed - a[1].reprocessed).map(([cause, c]) => `${cause} ${c.turns} turns/${c.reprocessed} tokens`).join(", ");
  console.log(`    where evaluation began (turns 2-${figures.length}): ${line}`);
  const later = figures.slice(1);
  const again = (k: keyof TurnFigures["again"]) => later.reduce((s, t) => s + t.again[k], 0);
  const floor = sum(later, "floor");
  console.log(`    evaluated (turns 2-${figures.length}): ${again("new")} new, ${again("messages")} of earlier messages, ${again("injected")} of lore and notes at a depth, ${again("other")} other;` +
    ` fewest possible with erase-and-shift reuse ~${floor} (evaluated ${(sum(later, "evaluated") / floor).toFixed(2)}x that)`);
}

async function oneProcess(path: string, book?: Lorebook) {
  const run = async (strategy: typeof TAPROOM) => {
    const model = await loadModel({ path, gpu: "cpu", threads: 1, contextSize: CONTEXT });
    try {
      return (await playLoop({ strategy, turns: TURNS, model: async () => model, ...(book && { book }) })).figures;
    } finally {
      await model.unload();
    }
  };
  return { taproom: await run(TAPROOM), noSplice: await run(TAPROOM_NO_SPLICE), baseline: await run(SILLYTAVERN) };
}

/** One process per turn, as `taproom chat --chat NAME` runs: a fresh model and context each turn, the KV cache only through its saved state. */
async function processPerTurn(path: string, dir: string) {
  const store = new KvStateStore({ dir: join(dir, "kv") });
  const { figures } = await playLoop({
    strategy: TAPROOM,
    turns: TURNS,
    chatId: "bench-headless",
    model: async () => {
      const model = await loadModel({ path, gpu: "cpu", threads: 1, contextSize: CONTEXT });
      model.usePromptCache({ storage: store });
      return model;
    },
    done: (model: LoadedModel) => model.unload(),
  });
  return figures;
}

/** A long chat played once, the process ends; a new process opens it and sends one more message. */
async function reopen(path: string, dir: string) {
  const history = [assistantMessage(-1, benchCharacter.first_mes)];
  for (let turn = 0; turn < REOPEN_TURNS; turn++) history.push(userMessage(turn), assistantMessage(turn, scriptedReply(turn)));
  const chat = benchChat("bench-reopen", history);
  // Lore churn is measured above; here the constant entry only, so the figure is the reopening alone.
  const book = benchBook({ keywordEntries: false });
  const store = new KvStateStore({ dir: join(dir, "kv-reopen") });
  const open = async (storage: boolean) => {
    const model = await loadModel({ path, gpu: "cpu", threads: 1, contextSize: REOPEN_CONTEXT });
    if (storage) model.usePromptCache({ storage: store });
    return model;
  };
  const first = await playLoop({ strategy: TAPROOM, turns: 1, firstTurn: REOPEN_TURNS, chat, book, model: () => open(true), done: (m) => m.unload() });
  const again = await playLoop({ strategy: TAPROOM, turns: 1, firstTurn: REOPEN_TURNS + 1, chat: first.chat, book, model: () => open(true), done: (m) => m.unload() });
  const cold = await playLoop({ strategy: TAPROOM, turns: 1, firstTurn: REOPEN_TURNS + 1, chat: { ...first.chat, id: "bench-cold" }, book, model: () => open(false), done: (m) => m.unload() });
  return { first: first.figures[0]!, again: again.figures[0]!, cold: cold.figures[0]! };
}

export default async function turnLoop(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-bench-"));
  try {
    const path = await writeRandomModel(join(dir, "random.gguf"), { layers: 4, embd: 256, ff: 512, heads: 4 });
    console.log(`${TURNS}-turn scripted roleplay, ChatML, lore entries come and go (a constant one before the character, five keyword ones at depth 2 and 4),`);
    console.log(`context ${CONTEXT} (history trimmed from turn ~10 on); real llama.cpp (random 4-layer model, CPU); replies scripted, one token generated per turn`);

    const single = await oneProcess(path);
    console.log("one process (the TUI):");
    const ours = report("taproom", single.taproom);
    causes(single.taproom);
    const noSplice = report(TAPROOM_NO_SPLICE.name, single.noSplice);
    causes(single.noSplice);
    const theirs = report(SILLYTAVERN.name, single.baseline);
    causes(single.baseline);
    console.log(`  baseline / taproom evaluated: ${(sum(single.baseline, "evaluated") / sum(single.taproom, "evaluated")).toFixed(2)}x`);

    const quiet = await oneProcess(path, benchBook({ keywordEntries: false }));
    console.log("one process, the same chat with the constant entry only (trimming, no lore churn):");
    report("taproom", quiet.taproom);
    causes(quiet.taproom);
    report(SILLYTAVERN.name, quiet.baseline);
    causes(quiet.baseline);

    const headless = await processPerTurn(path, dir);
    console.log("one process per turn (taproom chat --chat NAME; the KV state is saved with the chat):");
    const perTurn = report("taproom", headless);
    causes(headless);
    console.log(`  (${SILLYTAVERN.name} keeps its cache in the server process between requests: ${theirs.toFixed(2)}, as above)`);

    const r = await reopen(path, dir);
    console.log(`reopening a chat (context ${REOPEN_CONTEXT}): first turn ${r.first.promptTokens} prompt tokens, evaluated ${r.first.evaluated} (cold)`);
    console.log(`  new process, next message: prompt ${r.again.promptTokens}, new ${r.again.newTokens}, evaluated ${r.again.evaluated} (${r.again.reason}), prompt ${r.again.promptMs.toFixed(0)} ms`);
    console.log(`  same without the saved state:   prompt ${r.cold.promptTokens}, evaluated ${r.cold.evaluated}, prompt ${r.cold.promptMs.toFixed(0)} ms`);

    console.log("targets:");
    console.log(`  one process evaluated/new ${ours.toFixed(2)} (<= 1.2: ${ours <= 1.2 ? "met" : "NOT met"}); splice off (erase-and-shift only) ${noSplice.toFixed(2)}, what splice costs in fidelity: npm run bench spliceDrift; without lore churn ${(sum(quiet.taproom, "evaluated") / sum(quiet.taproom, "newTokens")).toFixed(2)}`);
    const lore = single.taproom.filter((t) => t.cause === "lore" || t.cause === "depth-insertion");
    console.log(`    beyond the new tokens: ${sum(single.taproom, "reprocessed")}, of which ${sum(lore, "reprocessed")} where lore came, went or moved (with splice: the entries that came, evaluated in place)`);
    console.log(`  process per turn evaluated/new ${perTurn.toFixed(2)} (<= 1.3: ${perTurn <= 1.3 ? "met" : "NOT met"})`);
    console.log(`  reopened chat of ${r.again.promptTokens} tokens evaluated ${r.again.evaluated} of ${r.again.newTokens} new (${r.again.evaluated <= r.again.newTokens ? "met" : "NOT met"})`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
