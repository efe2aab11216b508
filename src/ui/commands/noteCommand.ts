import type { SlashCommand } from "./command.ts";

export const noteCommand: SlashCommand = {
  name: "note",
  description: "Set the author's note (a new one goes 4 messages deep, every turn); /note alone removes it",
  usage: "/note TEXT",
  action(args, ctx) {
    const text = args.trim();
    ctx.setAuthorsNote(text);
    ctx.notify(text ? `Author's note set: ${text}` : "Author's note removed");
  },
};
