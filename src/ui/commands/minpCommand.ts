import { parseBounded, type SlashCommand } from "./command.ts";

export const minpCommand: SlashCommand = {
  name: "minp",
  description: "Set min-p",
  usage: "/minp VALUE (0 to 1)",
  action(args, ctx) {
    const value = parseBounded("minp", args, 0, 1, false);
    ctx.setSamplers({ minP: value });
    ctx.notify(`minP set to ${value}`);
  },
};
