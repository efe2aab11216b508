/**
 * Reading server-sent events in tests as SillyTavern's EventSourceStream does: events
 * split on a blank line, `data:` lines joined, comments and data-less events skipped.
 */
export interface SseEvent {
  event?: string;
  data: string;
  comments: string[];
}

export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split(/\r\n\r\n|\r\r|\n\n/)) {
    const data: string[] = [];
    const comments: string[] = [];
    let event: string | undefined;
    for (const line of block.split(/\r\n|\r|\n/)) {
      if (line.startsWith(":")) comments.push(line.slice(1).trim());
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      else if (line.startsWith("event:")) event = line.slice(6).trim();
    }
    if (data.length > 0 || comments.length > 0) events.push({ ...(event && { event }), data: data.join("\n"), comments });
  }
  return events;
}

/** Reads a streaming response as it arrives; `until` stops reading once it returns true. */
export async function readStream(response: Response, until?: (text: string) => boolean): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (until?.(text)) {
      await reader.cancel();
      break;
    }
  }
  return text;
}
