import { CommandArgumentError, type SlashCommand } from "./command.ts";

export const scriptsCommand: SlashCommand = {
  name: "scripts",
  description: "The card's own regex scripts: /scripts allow runs them, /scripts deny keeps them off",
  usage: "/scripts [allow | deny]",
  action(args, ctx) {
    const answer = args.trim().toLowerCase();
    const { count, state } = ctx.cardScripts();
    if (count === 0) return ctx.notify("This card has no regex scripts");
    if (answer === "") return ctx.notify(`This card has ${count} regex script${count === 1 ? "" : "s"}: ${state === "allowed" ? "they run" : "not run (/scripts allow runs them)"}`);
    if (answer !== "allow" && answer !== "deny") throw new CommandArgumentError(`/scripts takes allow or deny, got "${args.trim()}"`);
    ctx.answerCardScripts(answer === "allow");
  },
  complete: (args) => ["allow", "deny"].filter((a) => a.startsWith(args.trim().toLowerCase())),
};
