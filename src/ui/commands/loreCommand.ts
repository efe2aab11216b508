import { CommandArgumentError, type CommandContext, type SlashCommand } from "./command.ts";

const byName = (names: string[], want: string) => names.find((n) => n.toLowerCase() === want.toLowerCase());

function listing(ctx: CommandContext): string {
  const { attached, inUse } = ctx.lorebooks();
  const own = inUse.filter((n) => !byName(attached, n));
  const parts = [
    attached.length ? `attached to this chat: ${attached.join(", ")}` : "none attached to this chat",
    ...(own.length ? [`from the character: ${own.join(", ")}`] : []),
  ];
  return `Lorebooks ${parts.join("; ")}`;
}

export const loreCommand: SlashCommand = {
  name: "lore",
  description: "Attach (on) or detach (off) a lorebook for this chat; /lore alone lists them",
  usage: "/lore on|off NAME",
  action(args, ctx) {
    const match = /^(\S*)\s*([\s\S]*)$/.exec(args.trim());
    const verb = match?.[1]?.toLowerCase() ?? "";
    const name = match?.[2]?.trim() ?? "";
    if (!verb) return ctx.notify(listing(ctx));
    if (verb !== "on" && verb !== "off") throw new CommandArgumentError(`/lore: expected on or off, got "${verb}" (/lore on|off NAME)`);
    if (!name) throw new CommandArgumentError(`/lore ${verb}: name a lorebook`);
    const { attached, inUse, available } = ctx.lorebooks();
    if (verb === "on") {
      const book = byName(available, name);
      if (!book) throw new CommandArgumentError(`/lore: no lorebook "${name}"; there are ${available.join(", ") || "none (import one with l on the home screen)"}`);
      if (byName(attached, book)) return ctx.notify(`Lorebook ${book} is already attached to this chat`);
      if (byName(inUse, book)) return ctx.notify(`Lorebook ${book} is already in use: it comes with the character`);
      ctx.setLorebooks([...attached, book]);
      return ctx.notify(`Lorebook ${book} attached to this chat (from the next turn)`);
    }
    const book = byName(attached, name);
    if (!book) {
      if (byName(inUse, name)) throw new CommandArgumentError(`/lore off: "${name}" comes with the character's card, not with this chat`);
      throw new CommandArgumentError(`/lore off: "${name}" is not attached to this chat (${attached.join(", ") || "none is"})`);
    }
    ctx.setLorebooks(attached.filter((n) => n !== book));
    ctx.notify(`Lorebook ${book} detached from this chat (from the next turn)`);
  },
  complete(args, ctx) {
    const match = /^(\S*)(\s+)?([\s\S]*)$/.exec(args);
    const verb = match?.[1] ?? "";
    if (!match?.[2]) return ["on", "off"].filter((v) => v.startsWith(verb.toLowerCase())).map((v) => `${v} `);
    if (verb !== "on" && verb !== "off") return [];
    const { attached, available } = ctx.lorebooks();
    const typed = (match[3] ?? "").toLowerCase();
    return (verb === "on" ? available.filter((n) => !byName(attached, n)) : attached).filter((n) => n.toLowerCase().startsWith(typed)).map((n) => `${verb} ${n}`);
  },
};
