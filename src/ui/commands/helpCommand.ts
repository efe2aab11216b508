import type { SlashCommand } from "./command.ts";

export const helpCommand: SlashCommand = {
  name: "help",
  description: "List slash commands",
  usage: "/help",
  action(_args, ctx) {
    ctx.notify(ctx.listCommands().map((c) => `${c.usage}: ${c.description}`).join("\n"));
  },
};
