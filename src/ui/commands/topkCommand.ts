import { parseBounded, type SlashCommand } from "./command.ts";

export const topkCommand: SlashCommand = {
  name: "topk",
  description: "Set top-k (0 = off)",
  usage: "/topk VALUE (0 to 1000)",
  action(args, ctx) {
    const value = parseBounded("topk", args, 0, 1000, true);
    ctx.setSamplers({ topK: value });
    ctx.notify(`topK set to ${value}`);
  },
};
