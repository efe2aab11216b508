import { CommandArgumentError, namesStartingWith, type SlashCommand } from "./command.ts";

export const personaCommand: SlashCommand = {
  name: "persona",
  description: "Speak as a saved persona (or any name) in this chat",
  usage: "/persona NAME",
  complete: (args, ctx) => namesStartingWith(ctx.personaNames(), args),
  action(args, ctx) {
    const name = args.trim().replace(/\s+/g, " ");
    if (!name) throw new CommandArgumentError("/persona needs a name");
    if (name.length > 60) throw new CommandArgumentError("/persona: a name has at most 60 characters");
    ctx.setPersona(name);
    ctx.notify(`You are now ${name}`);
  },
};
