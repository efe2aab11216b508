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
import { planReuse, type ReusePlan } from "./planReuse.ts";
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
    if (plan.erase.length > 0) await this.sequence.eraseContextTokenRanges(plan.erase);
    const from = await this.alignedLength(tokens, plan.reused);
    this.holder = { ...(turn.chatId !== undefined && { chatId: turn.chatId }), dirty: this.holder.dirty && !otherChat };
    const facts: ReuseFacts = {
      source,
      ...(miss && { miss }),
      promptTokens: tokens.length,
      reused: from,
      evaluated: tokens.length - from + restoreCost,
      ...(previous && { previous }),
      firstEvaluatedToken: from,
      firstEvaluatedChar: this.charAt(tokens, from),
      cachedChar: this.charAt(cached, plan.cacheStop),
      erased: plan.shifted.map((r) => ({ start: this.charAt(cached, r.start), end: this.charAt(cached, r.end), tokens: r.end - r.start })),
    };
    return { from, facts };
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
