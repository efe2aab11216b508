import type { SlashCommand } from "./command.ts";

export const summaryCommand: SlashCommand = {
  name: "summary",
  description: "Show the chat's summary; /summary TEXT replaces it, /summary - clears it",
  usage: "/summary [TEXT | -]",
  action(args, ctx) {
    const text = args.trim();
    if (!text) {
      const summary = ctx.summary();
      ctx.notify(summary ? `Summary: ${summary}` : "No summary yet: /summarize writes one");
      return;
    }
    ctx.setSummary(text === "-" ? "" : text);
    ctx.notify(text === "-" ? "Summary cleared" : `Summary set: ${text}`);
  },
};
