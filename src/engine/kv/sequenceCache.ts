/**
 * The one context sequence a loaded model has, treated as a cache of the last prompt:
 * which chat's tokens it holds and the layout they came from; before a prompt, align
 * the sequence with it (planReuse, loading the chat's saved state when that serves
 * better); after a turn, remember it; when the sequence is about to serve another chat,
 * or the model unloads, save the state for next time. Every step is reported as facts
 * core/promptCache turns into words.
 */
import type { LlamaContextSequence, LlamaModel, Token } from "node-llama-cpp";
import type { PromptLayout } from "../../core/promptCache/layout.ts";
import type { ReuseFacts } from "../../core/promptCache/explain.ts";
import { stateKeyMismatch, type StateKey, type StateRecord } from "../../core/promptCache/state.ts";
import { planReuse, type ReusePlan, type TokenRange } from "./planReuse.ts";
import { planSplice, type SplicePlan } from "./planSplice.ts";
import { spliceable, spliceSequence } from "./spliceSequence.ts";
import { blockKeys } from "./blockKeys.ts";
import type { KvStrategy } from "./strategy.ts";

/** Where saved states live (store/kvStates.ts implements it). */
export interface StateStorage {
  info(chatId: string): Promise<{ record: StateRecord; fileBytes: number } | { problem: string } | undefined>;
  load(chatId: string, into: (path: string) => Promise<void>): Promise<void>;
  save(chatId: string, record: StateRecord, fill: (path: string) => Promise<void>): Promise<{ kept: boolean; bytes: number; reason?: string; evicted: string[] }>;
}

export interface PromptCacheOptions {
  /** Saved states, per chat; without it nothing survives the process. */
  storage?: StateStorage | undefined;
  /** Erase blocks that went and keep what follows (true, the default), or keep only the common prefix. */
  contextShift?: boolean;
  /**
   * With context shift, also keep blocks that moved and evaluate a block that came in
   * place, without evaluating what follows it again (planSplice; off by default).
   */
  splice?: boolean;
}

/** Which chat a prompt belongs to and what it is made of. */
export interface CacheTurn {
  chatId?: string;
  layout?: PromptLayout;
}

export interface SaveReport {
  chatId: string;
  kept: boolean;
  bytes: number;
  reason?: string;
}

export interface PreparedPrompt {
  /** Evaluate the prompt's tokens from this index. */
  from: number;
  facts: ReuseFacts;
}

/** The prompt's token ranges a splice evaluated and moved into place. */
function insertedRanges(plan: SplicePlan): TokenRange[] {
  return plan.pieces.flatMap((p) => (p.kind === "insert" ? [{ start: p.start, end: p.end }] : []));
}

/** Cache position after the last cached piece placed before prompt token `index` (0 when none is). */
function cacheStopBefore(plan: SplicePlan, index: number): number {
  let at = 0;
  let stop = 0;
  for (const p of plan.pieces) {
    const length = p.kind === "cached" ? p.length : p.end - p.start;
    if (at >= index) break;
    if (p.kind === "cached") stop = p.at + p.length;
    at += length;
  }
  return stop;
}

/** Erased ranges that kept cells follow in the cache (the stale tail left out), as context shift reports them. */
function shiftedOut(plan: SplicePlan): TokenRange[] {
  const lastKept = Math.max(0, ...plan.pieces.map((p) => (p.kind === "cached" ? p.at + p.length : 0)));
  return plan.erase.filter((r) => r.end <= lastKept);
}

/** A saved state is loaded only when it serves this many more tokens than what is in memory. */
const MIN_GAIN = 32;

interface Holder {
  chatId?: string;
  layout?: PromptLayout;
  /** Holds a turn not saved yet. */
  dirty: boolean;
}

export class SequenceCache {
  private holder: Holder = { dirty: false };
  private options: Required<Pick<PromptCacheOptions, "contextShift">> & PromptCacheOptions = { contextShift: true };
  lastSave: SaveReport | undefined;

  constructor(
    private readonly sequence: LlamaContextSequence,
    private readonly model: LlamaModel,
    readonly strategy: KvStrategy,
    /** The key of a state this context would save, for a template. */
    private readonly keyFor: (template: string) => Promise<StateKey>,
  ) {}

  configure(options: PromptCacheOptions): void {
    this.options = { ...this.options, ...options, contextShift: options.contextShift ?? this.options.contextShift };
  }

  private get shifting(): boolean {
    return this.options.contextShift && (this.strategy === "shift" || this.strategy === "swa-full-cache");
  }

  private plan(cached: readonly number[], tokens: readonly number[]): ReusePlan {
    return planReuse(cached, tokens, { shift: this.shifting });
  }

  /**
   * A splice plan when splicing is on and saves evaluation over `plan`. It needs both
   * prompts' layouts: a cached token is only kept for the same block (blockKeys).
   */
  private splicePlan(cached: readonly Token[], tokens: readonly Token[], plan: ReusePlan, layouts: { cached?: PromptLayout; next?: PromptLayout }): SplicePlan | undefined {
    if (!this.options.splice || !this.shifting || this.strategy !== "shift" || !spliceable(this.sequence)) return undefined;
    if (!layouts.cached || !layouts.next) return undefined;
    const blocks = blockKeys({ offsets: this.offsets(cached), layout: layouts.cached }, { offsets: this.offsets(tokens), layout: layouts.next });
    const splice = planSplice(cached, tokens, { blocks });
    const cost = splice.inserted + tokens.length - splice.reused;
    // Erasing from the cache's first cell makes node-llama-cpp evaluate what is left again.
    const keepsStart = splice.pieces[0]?.kind === "cached" && splice.pieces[0].at === 0;
    return keepsStart && splice.moves && cost < tokens.length - plan.reused ? splice : undefined;
  }

  /** Each token's character offset in the text `tokens` spell (BOS left out); a character split over tokens may move it by one. */
  private offsets(tokens: readonly Token[]): number[] {
    const bos = this.model.tokens.bos;
    let at = 0;
    return tokens.map((t, i) => {
      const start = at;
      if (!(i === 0 && t === bos)) at += this.tokenLength(t);
      return start;
    });
  }

  private readonly tokenLengths = new Map<Token, number>();

  private tokenLength(token: Token): number {
    let length = this.tokenLengths.get(token);
    if (length === undefined) {
      length = this.model.detokenize([token], true).length;
      this.tokenLengths.set(token, length);
    }
    return length;
  }

  /** Character offset of token `index` in the text `tokens` spell (BOS left out, as prompt texts have none). */
  private charAt(tokens: readonly Token[], index: number): number {
    const bos = this.model.tokens.bos;
    const skip = bos !== null && tokens[0] === bos ? 1 : 0;
    if (index <= skip) return 0;
    return this.model.detokenize(tokens.slice(skip, index), true).length;
  }

  async prepare(tokens: Token[], turn: CacheTurn): Promise<PreparedPrompt> {
    let cached = this.sequence.contextTokens;
    let plan = this.plan(cached, tokens);
    let source: ReuseFacts["source"] = plan.reused > 0 ? "memory" : "none";
    let previous = this.holder.layout;
    let miss: string | undefined;
    const otherChat = this.holder.chatId !== turn.chatId;
    if (otherChat && turn.chatId !== undefined && this.options.storage) {
      const loaded = await this.fromStorage(turn, tokens, plan);
      if (loaded.miss) miss = loaded.miss;
      if (loaded.plan) {
        plan = loaded.plan;
        cached = this.sequence.contextTokens;
        source = plan.reused > 0 ? "saved" : "none";
        previous = this.holder.layout;
      }
    }
    if (otherChat && this.holder.dirty) await this.save();
    if (source === "none" && !miss) miss = turn.chatId && this.options.storage ? "no saved state for this chat" : "nothing cached for this prompt";
    const restoreCost = this.sequence.needsCheckpoints && plan.cacheStop < cached.length && plan.cacheStop > 0
      ? Math.max(0, this.sequence.getRestoreToPrefixIndexEvaluationSize(plan.cacheStop - 1))
      : 0;
    const { splice, failed } = await this.carryOut(cached, tokens, plan, { ...(previous && { cached: previous }), ...(turn.layout && { next: turn.layout }) });
    if (failed) {
      plan = this.plan([], tokens);
      source = "none";
      miss = failed;
    }
    const from = await this.alignedLength(tokens, splice?.reused ?? plan.reused);
    this.holder = { ...(turn.chatId !== undefined && { chatId: turn.chatId }), dirty: this.holder.dirty && !otherChat };
    const inserted = splice && from === splice.reused ? insertedRanges(splice) : [];
    const insertedTokens = inserted.reduce((sum, r) => sum + r.end - r.start, 0);
    const firstEvaluated = inserted[0]?.start ?? from;
    const facts: ReuseFacts = {
      source,
      ...(miss && { miss }),
      promptTokens: tokens.length,
      reused: from - insertedTokens,
      evaluated: tokens.length - from + insertedTokens + restoreCost,
      ...(previous && { previous }),
      firstEvaluatedToken: firstEvaluated,
      firstEvaluatedChar: this.charAt(tokens, firstEvaluated),
      cachedChar: this.charAt(cached, splice ? cacheStopBefore(splice, firstEvaluated) : plan.cacheStop),
      erased: (splice ? shiftedOut(splice) : plan.shifted).map((r) => ({ start: this.charAt(cached, r.start), end: this.charAt(cached, r.end), tokens: r.end - r.start })),
      ...(inserted.length > 0 && { inserted: inserted.map((r) => ({ start: this.charAt(tokens, r.start), end: this.charAt(tokens, r.end), tokens: r.end - r.start, firstToken: r.start })) }),
    };
    return { from, facts };
  }

  /** Splices the cache or erases what the plan says; a splice that fails leaves the sequence empty and says why. */
  private async carryOut(cached: readonly Token[], tokens: Token[], plan: ReusePlan, layouts: { cached?: PromptLayout; next?: PromptLayout }): Promise<{ splice?: SplicePlan; failed?: string }> {
    const splice = this.splicePlan(cached, tokens, plan, layouts);
    if (!splice) {
      if (plan.erase.length > 0) await this.sequence.eraseContextTokenRanges(plan.erase);
      return {};
    }
    try {
      await spliceSequence(this.sequence, tokens, splice);
      return { splice };
    } catch (error) {
      // Half-moved cells are worse than none: start the prompt afresh.
      await this.sequence.clearHistory();
      return { failed: `the cache could not be rearranged (${(error as Error).message.split("\n")[0]}), so the prompt was evaluated afresh` };
    }
  }

  /** The planned prefix, checked against what the sequence really holds now; anything else is erased. */
  private async alignedLength(tokens: readonly Token[], planned: number): Promise<number> {
    const held = this.sequence.contextTokens.length;
    const same = Math.min(this.sequence.compareContextTokens(tokens as Token[]).firstDifferentIndex, tokens.length - 1);
    if (held === planned && same >= planned) return planned;
    if (same < held) await this.sequence.eraseContextTokenRanges([{ start: same, end: held }]);
    return same;
  }

  private async fromStorage(turn: CacheTurn, tokens: Token[], memory: ReusePlan): Promise<{ plan?: ReusePlan; miss?: string }> {
    const storage = this.options.storage!;
    const chatId = turn.chatId!;
    let stored;
    try {
      stored = await storage.info(chatId);
    } catch (error) {
      return { miss: `the saved state could not be read (${(error as Error).message})` };
    }
    if (!stored) return {};
    if ("problem" in stored) return { miss: stored.problem };
    const mismatch = stateKeyMismatch(stored.record.key, await this.keyFor(turn.layout?.template ?? ""));
    if (mismatch) return { miss: mismatch };
    const plan = this.plan(stored.record.tokens, tokens);
    if (plan.reused < memory.reused + MIN_GAIN) {
      return memory.reused > 0 ? {} : { miss: `the saved state shares only ${plan.reused} tokens with this prompt` };
    }
    if (this.holder.dirty) await this.save();
    try {
      await storage.load(chatId, (path) => this.sequence.loadStateFromFile(path, { acceptRisk: true }));
      const held = this.sequence.contextTokens;
      if (held.length !== stored.record.tokens.length || held.some((t, i) => t !== stored.record.tokens[i])) {
        throw new Error("the saved state holds other tokens than its record says");
      }
    } catch (error) {
      await this.sequence.clearHistory();
      this.holder = { dirty: false };
      return { plan: this.plan([], tokens), miss: (error as Error).message };
    }
    this.holder = { chatId, ...(stored.record.layout && { layout: stored.record.layout }), dirty: false };
    return { plan };
  }

  /** After a turn: the sequence holds this prompt and its reply, not saved yet. */
  settle(turn: CacheTurn): void {
    this.holder = { ...(turn.chatId !== undefined && { chatId: turn.chatId }), ...(turn.layout && { layout: turn.layout }), dirty: turn.chatId !== undefined };
  }

  /** Saves the chat the sequence holds, if it changed since it was loaded or saved; never throws. */
  async save(): Promise<SaveReport | undefined> {
    const { chatId, layout, dirty } = this.holder;
    const storage = this.options.storage;
    if (!storage || !dirty || chatId === undefined) return undefined;
    this.holder = { ...this.holder, dirty: false };
    let report: SaveReport;
    try {
      const record: StateRecord = { key: await this.keyFor(layout?.template ?? ""), tokens: this.sequence.contextTokens, ...(layout && { layout }), savedAt: new Date().toISOString() };
      const outcome = await storage.save(chatId, record, async (path) => {
        await this.sequence.saveStateToFile(path);
      });
      report = { chatId, kept: outcome.kept, bytes: outcome.bytes, ...(outcome.reason && { reason: outcome.reason }) };
    } catch (error) {
      report = { chatId, kept: false, bytes: 0, reason: (error as Error).message.split("\n")[0] ?? "save failed" };
    }
    this.lastSave = report;
    return report;
  }

  /** Empties the sequence (the next prompt is evaluated whole). */
  async clear(): Promise<void> {
    await this.sequence.clearHistory();
    this.holder = { dirty: false };
  }
}
