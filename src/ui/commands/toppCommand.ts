import { parseBounded, type SlashCommand } from "./command.ts";

export const toppCommand: SlashCommand = {
  name: "topp",
  description: "Set top-p",
  usage: "/topp VALUE (0 to 1)",
  action(args, ctx) {
    const value = parseBounded("topp", args, 0, 1, false);
    ctx.setSamplers({ topP: value });
    ctx.notify(`topP set to ${value}`);
  },
};
