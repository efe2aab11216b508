import type { SlashCommand } from "./command.ts";

export const swipeCommand: SlashCommand = {
  name: "swipe",
  description: "Generate another reply in place of the last one",
  usage: "/swipe",
  action(_args, ctx) {
    ctx.swipe();
  },
};
