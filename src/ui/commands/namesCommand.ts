import { CommandArgumentError, namesStartingWith, type SlashCommand } from "./command.ts";

const VALUES: Record<string, boolean | undefined> = { on: true, off: false, auto: undefined };

export const namesCommand: SlashCommand = {
  name: "names",
  description: "\"Name: \" before each message in this chat's prompt: on, off, or auto (as the template does)",
  usage: "/names on|off|auto",
  complete: (args) => namesStartingWith(Object.keys(VALUES), args),
  action(args, ctx) {
    const word = args.trim().toLowerCase();
    if (!(word in VALUES)) throw new CommandArgumentError(`/names: expected on, off or auto, got "${args.trim()}"`);
    ctx.setNames(VALUES[word]);
    ctx.notify(word === "auto" ? "Name prefixes as the template does, from the next turn" : `Name prefixes ${word}, from the next turn`);
  },
};
