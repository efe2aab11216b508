// Render cost of one streamed token in the chat transcript: bytes written to the
// terminal and time per update, for a 2,000-message chat against a 100-message chat,
// and against a naive transcript that keeps every message in the live tree.
import { EventEmitter } from "node:events";
import React from "react";
import type { ChatMessage } from "../src/core/chat/types.ts";

class CountingStdout extends EventEmitter {
  bytes = 0;
  columns = 100;
  rows = 40;
  isTTY = true;
  write(chunk: string) {
    this.bytes += Buffer.byteLength(chunk);
    return true;
  }
}

function chat(count: number): ChatMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `m${i}`,
    role: i % 2 === 0 ? "user" : "assistant",
    name: i % 2 === 0 ? "You" : "Mira",
    swipes: [{ text: `Message ${i}: *leans on the bar* "Another round?" she asks. (OOC: filler text for width)`, sentAt: "" }],
    swipeIndex: 0,
  }));
}

async function measure(count: number, naive: boolean, tokens = 100) {
  delete process.env.CI; // Ink writes nothing until exit in CI mode
  const { render, Box } = await import("ink");
  const { Transcript } = await import("../src/ui/chat/Transcript.tsx");
  const { MessageView } = await import("../src/ui/chat/MessageView.tsx");
  const { PrintLogProvider } = await import("../src/ui/app/PrintLog.tsx");
  const history = chat(count);
  const reply: ChatMessage = { id: "live", role: "assistant", name: "Mira", swipes: [{ text: "", sentAt: "" }], swipeIndex: 0 };
  const view = (text: string) =>
    naive
      ? React.createElement(Box, { flexDirection: "column" }, ...history.map((m) => React.createElement(MessageView, { key: m.id, message: m, color: true })), React.createElement(MessageView, { key: "live", message: reply, text, color: true }))
      : React.createElement(PrintLogProvider, null, React.createElement(Transcript, { messages: [...history, { ...reply, swipes: [{ text, sentAt: "" }] }], committed: count, liveBudget: 30, color: true }));
  const stdout = new CountingStdout();
  const flush = () => new Promise((r) => setImmediate(r));
  const app = render(view(""), { stdout: stdout as unknown as NodeJS.WriteStream, patchConsole: false, exitOnCtrlC: false, maxFps: 0 });
  await flush();
  const startBytes = stdout.bytes;
  const start = performance.now();
  let text = "";
  for (let i = 0; i < tokens; i++) {
    text += i % 12 === 11 ? " word\n" : " word";
    app.rerender(view(text));
    await flush();
  }
  const ms = (performance.now() - start) / tokens;
  const bytes = (stdout.bytes - startBytes) / tokens;
  app.unmount();
  return { ms, bytes };
}

export default async function renderBench() {
  await measure(100, false); // warm-up: JIT and module loading
  const small = await measure(100, false);
  const large = await measure(2000, false);
  const naive = await measure(2000, true, 20); // ~0.6 s per token: fewer updates
  const row = (label: string, r: { ms: number; bytes: number }) => console.log(`${label.padEnd(34)} ${r.ms.toFixed(2).padStart(8)} ms/token ${Math.round(r.bytes).toString().padStart(9)} bytes/token`);
  row("Static transcript, 100 messages", small);
  row("Static transcript, 2,000 messages", large);
  row("naive live tree, 2,000 messages", naive);
  console.log(`2,000 vs 100 messages (Static): time x${(large.ms / small.ms).toFixed(2)}, bytes x${(large.bytes / small.bytes).toFixed(2)}`);
  console.log(`naive vs Static at 2,000 messages: time x${(naive.ms / large.ms).toFixed(1)}, bytes x${(naive.bytes / large.bytes).toFixed(1)}`);
}
