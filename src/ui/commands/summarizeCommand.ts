import type { SlashCommand } from "./command.ts";

export const summarizeCommand: SlashCommand = {
  name: "summarize",
  description: "Write the chat's summary now with the loaded model (long-term memory)",
  usage: "/summarize",
  action(_args, ctx) {
    ctx.summarize();
  },
};
