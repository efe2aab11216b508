/**
 * Server-sent events as every client we serve parses them: `data: <one-line JSON>`,
 * an optional `event:` line, a blank line after each event; comments (`: ...`) keep a
 * long wait alive and are skipped by parsers. Each event is written at once (no Nagle).
 */
import type { ServerResponse } from "node:http";

export class SseWriter {
  private started = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly headers: Record<string, string> = {},
  ) {}

  get open(): boolean {
    return !this.res.writableEnded && !this.res.destroyed;
  }

  /** Sends the 200 and the stream's headers, once. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.res.socket?.setNoDelay(true);
    this.res.writeHead(200, {
      ...this.headers,
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
  }

  get headersSent(): boolean {
    return this.started;
  }

  event(data: unknown, name?: string): void {
    if (!this.open) return;
    this.start();
    const payload = typeof data === "string" ? data : JSON.stringify(data);
    this.res.write(`${name ? `event: ${name}\n` : ""}data: ${payload}\n\n`);
  }

  comment(text: string): void {
    if (!this.open) return;
    this.start();
    this.res.write(`: ${text.replace(/\n/g, " ")}\n\n`);
  }

  end(): void {
    if (this.open) this.res.end();
  }
}
