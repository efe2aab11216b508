import type { SlashCommand } from "./command.ts";

export const continueCommand: SlashCommand = {
  name: "continue",
  description: "Continue the last message",
  usage: "/continue",
  action(_args, ctx) {
    ctx.continueReply();
  },
};
