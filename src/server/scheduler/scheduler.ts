/**
 * Who generates next, and on which sequence. Requests wait in one FIFO queue; a free
 * sequence takes the oldest. When several are free the request goes to the one whose
 * cached tokens its prompt continues the most (at least half of them), else to the
 * least recently used, so each client's chat keeps landing on the sequence that holds
 * it and a new chat does not evict another's (llama-server's slot similarity). A request whose client leaves while waiting is
 * dropped from the queue.
 */

/** A sequence is chosen for its cache only when the prompt continues at least this share of what it holds (llama-server's slot similarity). */
export const SIMILARITY = 0.5;

/** A sequence as the scheduler sees it. */
export interface SchedulerSlot {
  sharedPrefix(tokens: readonly number[]): number;
  /** Tokens its cache holds. */
  readonly contextTokens: readonly number[];
}

export interface Lease {
  index: number;
  /** Tokens of the prompt the sequence held already when it was chosen. */
  shared: number;
  /** Whether the request waited for it. */
  waited: boolean;
  release(): void;
}

export interface AcquireOptions {
  /** Prefer this sequence (llama.cpp's id_slot). */
  preferred?: number;
  signal?: AbortSignal;
  /** Called when the request starts waiting, and each time its place moves up. */
  onPosition?: (position: number) => void;
}

export class QueueFullError extends Error {
  constructor(readonly limit: number) {
    super(`the server is busy: ${limit} requests are already waiting; try again in a moment`);
    this.name = "QueueFullError";
  }
}

export class LeftQueueError extends Error {
  constructor() {
    super("the client left while its request waited");
    this.name = "LeftQueueError";
  }
}

interface Waiter {
  tokens: readonly number[];
  options: AcquireOptions;
  grant(lease: Lease): void;
  fail(error: Error): void;
}

export class Scheduler {
  private readonly busy: boolean[];
  private readonly lastUsed: number[];
  private readonly waiting: Waiter[] = [];
  private clock = 0;

  constructor(
    private readonly slots: readonly SchedulerSlot[],
    private readonly queueLimit: number,
  ) {
    this.busy = slots.map(() => false);
    this.lastUsed = slots.map(() => 0);
  }

  get running(): number {
    return this.busy.filter(Boolean).length;
  }

  get queued(): number {
    return this.waiting.length;
  }

  acquire(tokens: readonly number[], options: AcquireOptions = {}): Promise<Lease> {
    if (options.signal?.aborted) return Promise.reject(new LeftQueueError());
    const free = this.freeSlots();
    if (free.length > 0 && this.waiting.length === 0) return Promise.resolve(this.lease(this.choose(free, tokens, options.preferred), tokens, false));
    if (this.waiting.length >= this.queueLimit) return Promise.reject(new QueueFullError(this.queueLimit));
    return new Promise<Lease>((grant, fail) => {
      const waiter: Waiter = { tokens, options, grant, fail };
      this.waiting.push(waiter);
      const leave = () => {
        const at = this.waiting.indexOf(waiter);
        if (at === -1) return;
        this.waiting.splice(at, 1);
        fail(new LeftQueueError());
        this.announce(at);
      };
      options.signal?.addEventListener("abort", leave, { once: true });
      waiter.grant = (lease) => {
        options.signal?.removeEventListener("abort", leave);
        grant(lease);
      };
      options.onPosition?.(this.waiting.length);
    });
  }

  private freeSlots(): number[] {
    return this.busy.flatMap((b, i) => (b ? [] : [i]));
  }

  private choose(free: number[], tokens: readonly number[], preferred: number | undefined): { index: number; shared: number } {
    if (preferred !== undefined && free.includes(preferred)) return { index: preferred, shared: this.slots[preferred]!.sharedPrefix(tokens) };
    let similar: { index: number; shared: number; similarity: number } | undefined;
    let oldest = free[0]!;
    for (const index of free) {
      const held = this.slots[index]!.contextTokens.length;
      const shared = held > 0 ? this.slots[index]!.sharedPrefix(tokens) : 0;
      const similarity = held > 0 ? shared / held : 0;
      if (similarity >= SIMILARITY && (!similar || similarity > similar.similarity || (similarity === similar.similarity && shared > similar.shared))) similar = { index, shared, similarity };
      if (this.lastUsed[index]! < this.lastUsed[oldest]!) oldest = index;
    }
    if (similar) return similar;
    return { index: oldest, shared: this.slots[oldest]!.contextTokens.length > 0 ? this.slots[oldest]!.sharedPrefix(tokens) : 0 };
  }

  private lease(choice: { index: number; shared: number }, _tokens: readonly number[], waited: boolean): Lease {
    const { index } = choice;
    this.busy[index] = true;
    this.lastUsed[index] = ++this.clock;
    let released = false;
    return {
      index,
      shared: Math.max(0, choice.shared),
      waited,
      release: () => {
        if (released) return;
        released = true;
        this.busy[index] = false;
        this.lastUsed[index] = ++this.clock;
        this.next();
      },
    };
  }

  private next(): void {
    const free = this.freeSlots();
    if (free.length === 0 || this.waiting.length === 0) return;
    const waiter = this.waiting.shift()!;
    waiter.grant(this.lease(this.choose(free, waiter.tokens, waiter.options.preferred), waiter.tokens, true));
    this.announce(0);
    this.next();
  }

  /** Tells the requests from `from` on their new places. */
  private announce(from: number): void {
    this.waiting.slice(from).forEach((w, i) => w.options.onPosition?.(from + i + 1));
  }
}
