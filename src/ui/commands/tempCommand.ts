import { parseBounded, type SlashCommand } from "./command.ts";

export const tempCommand: SlashCommand = {
  name: "temp",
  description: "Set the temperature",
  usage: "/temp VALUE (0 to 5)",
  action(args, ctx) {
    const value = parseBounded("temp", args, 0, 5, false);
    ctx.setSamplers({ temperature: value });
    ctx.notify(`temperature set to ${value}`);
  },
};
