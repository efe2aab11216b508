/**
 * Reads a streamed HTTP body as the frames its API sends: server-sent events
 * (`data:` lines, blank-line separated, comments skipped) or Ollama's one JSON per line.
 */
export async function* readFrames(body: ReadableStream<Uint8Array>, framing: "sse" | "ndjson"): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  const separator = framing === "sse" ? /\r?\n\r?\n/ : /\r?\n/;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    for (let match = separator.exec(buffer); match; match = separator.exec(buffer)) {
      const block = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      const data = framing === "sse" ? sseData(block) : block.trim();
      if (data) yield data;
    }
  }
  const last = framing === "sse" ? sseData(buffer) : buffer.trim();
  if (last) yield last;
}

function sseData(block: string): string {
  return block
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data:"))
    .map((line) => line.slice(5).replace(/^ /, ""))
    .join("\n");
}
