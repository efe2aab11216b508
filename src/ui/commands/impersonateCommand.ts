import type { SlashCommand } from "./command.ts";

export const impersonateCommand: SlashCommand = {
  name: "impersonate",
  description: "Let the model write your next message into the input",
  usage: "/impersonate",
  action(_args, ctx) {
    ctx.impersonate();
  },
};
