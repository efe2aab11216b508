/**
 * Splits a reply being streamed into its reasoning and its reply text, as SillyTavern's
 * ReasoningHandler does while streaming: a block that opens at the very start of the
 * reply (whitespace before it allowed) and runs to the first suffix is reasoning; the
 * rest is the reply, its leading whitespace dropped. Only the first block counts: a
 * later `<think>` is reply text. What may still become a marker is held back (`<thi`),
 * so neither view ever shows half a marker. Work per chunk is bounded by the markers'
 * lengths, not the reply's.
 */
import type { ReasoningMarkers } from "./templates.ts";

export interface SplitChunk {
  /** New reasoning text, safe to show. */
  reasoning: string;
  /** New reply text, safe to show (and to look for stop strings in). */
  reply: string;
}

export interface ReasoningSplitterOptions {
  /** Tried in order; empty: nothing is split, everything is reply. */
  markers: readonly ReasoningMarkers[];
  /**
   * The prompt ends inside a reasoning block (the template opened it, or a continued
   * message's reasoning was left open): what comes is reasoning until the suffix.
   * `reasoning` is what the block already holds.
   */
  open?: { markers: ReasoningMarkers; reasoning?: string };
  /** Milliseconds clock, for how long the model thought. */
  now?: () => number;
  /** When generation began (reasoning time counts from here, as SillyTavern's). */
  startedAt?: number;
}

type State = "waiting" | "thinking" | "replying" | "plain";

const NONE: SplitChunk = { reasoning: "", reply: "" };

export class ReasoningSplitter {
  private state: State;
  private markers: ReasoningMarkers | undefined;
  /** Text not handed out yet: a possible prefix (waiting), a possible suffix (thinking), leading blanks (replying). */
  private held = "";
  private readonly parts: string[] = [];
  private started = false;
  private replyStarted = false;
  private readonly now: () => number;
  private readonly startedAt: number;
  private endedAt: number | undefined;

  constructor(private readonly options: ReasoningSplitterOptions) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = options.startedAt ?? this.now();
    if (options.open) {
      this.state = "thinking";
      this.markers = options.open.markers;
      if (options.open.reasoning) {
        this.parts.push(options.open.reasoning);
        this.started = options.open.reasoning.trim() !== "";
      }
    } else {
      this.state = options.markers.length > 0 ? "waiting" : "plain";
    }
  }

  push(text: string): SplitChunk {
    if (!text) return NONE;
    switch (this.state) {
      case "plain":
        return { reasoning: "", reply: text };
      case "replying":
        return { reasoning: "", reply: this.replyText(text) };
      case "waiting":
        return this.waiting(text);
      case "thinking":
        return this.thinking(text);
    }
  }

  /** The stream ended: what was held back goes where it belongs (reasoning still open stays reasoning). */
  finish(): SplitChunk {
    const held = this.held;
    this.held = "";
    if (this.state === "waiting") {
      this.state = "plain";
      return { reasoning: "", reply: held };
    }
    if (this.state === "thinking") {
      this.endedAt ??= this.now();
      return { reasoning: this.addReasoning(held), reply: "" };
    }
    return NONE;
  }

  /** The reply began with a reasoning block (or the prompt opened one). */
  get hasReasoning(): boolean {
    return this.markers !== undefined;
  }

  /** The markers the block was written with. */
  get usedMarkers(): ReasoningMarkers | undefined {
    return this.markers;
  }

  /** Still inside the block: the model has not closed it. */
  get inBlock(): boolean {
    return this.state === "thinking";
  }

  /** The reasoning as stored: without its markers, trimmed. */
  get reasoning(): string {
    return this.parts.join("").trim();
  }

  /** From the start of generation to the end of the block; undefined while thinking or without reasoning. */
  get durationMs(): number | undefined {
    return this.endedAt === undefined || !this.hasReasoning ? undefined : Math.max(0, Math.round(this.endedAt - this.startedAt));
  }

  private waiting(text: string): SplitChunk {
    this.held += text;
    const body = this.held.trimStart();
    if (body === "") return NONE;
    for (const m of this.options.markers) {
      if (body.startsWith(m.prefix)) {
        this.state = "thinking";
        this.markers = m;
        const rest = body.slice(m.prefix.length);
        this.held = "";
        return rest ? this.thinking(rest) : NONE;
      }
    }
    if (this.options.markers.some((m) => m.prefix.startsWith(body))) return NONE;
    this.state = "plain";
    const reply = this.held;
    this.held = "";
    return { reasoning: "", reply };
  }

  private thinking(text: string): SplitChunk {
    const suffix = this.markers!.suffix;
    const buffer = this.held + text;
    const at = buffer.indexOf(suffix);
    if (at >= 0) {
      this.held = "";
      this.state = "replying";
      this.endedAt = this.now();
      const reasoning = this.addReasoning(buffer.slice(0, at));
      return { reasoning, reply: this.replyText(buffer.slice(at + suffix.length)) };
    }
    const keep = partialSuffixLength(buffer, suffix);
    this.held = buffer.slice(buffer.length - keep);
    return { reasoning: this.addReasoning(buffer.slice(0, buffer.length - keep)), reply: "" };
  }

  /** Reasoning text added (blank lines before its first word are not shown). */
  private addReasoning(text: string): string {
    if (!text) return "";
    this.parts.push(text);
    if (this.started) return text;
    const shown = text.trimStart();
    if (shown) this.started = true;
    return shown;
  }

  /** Reply text after the block: its leading whitespace is dropped (SillyTavern trims the reply). */
  private replyText(text: string): string {
    if (this.replyStarted) return text;
    const shown = text.trimStart();
    if (shown) this.replyStarted = true;
    return shown;
  }
}

/** How many characters at the end of `text` could be the start of `suffix`. */
function partialSuffixLength(text: string, suffix: string): number {
  for (let length = Math.min(suffix.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(suffix.slice(0, length))) return length;
  }
  return 0;
}
