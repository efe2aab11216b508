import { findMember, MemberNotFoundError } from "../../core/group/members.ts";
import { CommandArgumentError, namesStartingWith, type SlashCommand } from "./command.ts";

/** /speak NAME: in a group chat, that member replies now, muted or not (SillyTavern's "speak" button). */
export const speakCommand: SlashCommand = {
  name: "speak",
  description: "Group chat: make a member reply now",
  usage: "/speak NAME",
  action(args, ctx) {
    const members = ctx.members();
    if (!members) throw new CommandArgumentError("/speak works in a group chat: this chat has one character");
    const wanted = args.trim();
    const list = members.map((m) => `${m.name}${m.muted ? " (muted)" : ""}`).join(", ");
    if (!wanted) throw new CommandArgumentError(`/speak NAME: one of ${list}`);
    try {
      ctx.speak(findMember(members.map((m) => ({ key: m.name, name: m.name })), wanted).name);
    } catch (error) {
      if (error instanceof MemberNotFoundError) throw new CommandArgumentError(`/speak: ${error.message} (members: ${list})`);
      throw error;
    }
  },
  complete: (args, ctx) => namesStartingWith((ctx.members() ?? []).map((m) => m.name), args),
};
