import type { SlashCommand } from "./command.ts";

export const branchCommand: SlashCommand = {
  name: "branch",
  description: "A new chat from here (the last message); this one stays",
  usage: "/branch",
  action(_args, ctx) {
    ctx.branch();
  },
};
