import type { SlashCommand } from "./command.ts";

export const exportCommand: SlashCommand = {
  name: "export",
  description: "Save the chat as SillyTavern JSONL (exports folder or PATH)",
  usage: "/export [PATH]",
  action(args, ctx) {
    const path = args.trim();
    ctx.exportChat(path === "" ? null : path);
  },
};
