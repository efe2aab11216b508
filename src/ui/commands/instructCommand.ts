import { INSTRUCT_TEMPLATES, UnknownTemplateError } from "../../core/prompt/templates.ts";
import { CommandArgumentError, namesStartingWith, type SlashCommand } from "./command.ts";

const CHOICES = ["auto", ...INSTRUCT_TEMPLATES.map((t) => t.name)];

export const instructCommand: SlashCommand = {
  name: "instruct",
  description: "The prompt template of this chat: auto (the model's own), chatml, llama3, mistral, gemma, alpaca, vicuna, plain, or one you imported",
  usage: "/instruct NAME",
  complete: (args) => namesStartingWith(CHOICES, args),
  action(args, ctx) {
    const name = args.trim();
    if (!name) {
      const current = ctx.template().name;
      ctx.notify(`Template: ${current ?? "auto (the model's own)"}; choices: ${CHOICES.join(", ")}`);
      return;
    }
    let chosen: string | null;
    try {
      chosen = ctx.setTemplate(name);
    } catch (error) {
      if (error instanceof UnknownTemplateError) throw new CommandArgumentError(`/instruct: ${error.message}`);
      throw error;
    }
    ctx.notify(chosen ? `Template ${chosen} for this chat, from the next turn` : "Template: the model's own, from the next turn");
  },
};
