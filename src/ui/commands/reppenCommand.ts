import { parseBounded, type SlashCommand } from "./command.ts";

export const reppenCommand: SlashCommand = {
  name: "reppen",
  description: "Set the repetition penalty (1 = off)",
  usage: "/reppen VALUE (1 to 3)",
  action(args, ctx) {
    const value = parseBounded("reppen", args, 1, 3, false);
    ctx.setSamplers({ repeatPenalty: value });
    ctx.notify(`repeatPenalty set to ${value}`);
  },
};
