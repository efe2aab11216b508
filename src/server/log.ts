/**
 * The server's log: one line per event, `[HH:MM:SS] #id ...`, saying who asked for
 * what, which sequence served it, what its KV cache reused, and how it ended. Prompt
 * text is never written unless asked (--verbose), and then without control sequences.
 */
import { sanitizeForTerminal } from "../core/text/sanitize.ts";

export type LogSink = (line: string) => void;

export class RequestLog {
  constructor(
    private readonly sink: LogSink,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private stamp(): string {
    const d = this.now();
    const two = (n: number) => String(n).padStart(2, "0");
    return `[${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}]`;
  }

  line(text: string): void {
    this.sink(`${this.stamp()} ${sanitizeForTerminal(text)}`);
  }

  request(id: number, text: string): void {
    this.line(`#${id} ${text}`);
  }
}

/** A stop string or other short outside text, quoted as JSON so newlines show as \n. */
export const quoted = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
