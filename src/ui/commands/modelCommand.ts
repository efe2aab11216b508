import { CommandArgumentError, type SlashCommand } from "./command.ts";
import { matchModelNames } from "../../app/findModel.ts";

export { matchModelNames };

export const modelCommand: SlashCommand = {
  name: "model",
  description: "Load a model from the library by (part of) its name (/model alone lists them)",
  usage: "/model NAME",
  action(args, ctx) {
    const names = ctx.modelNames();
    const query = args.trim();
    if (names.length === 0) throw new CommandArgumentError("/model: no models in the library; the model screen (Ctrl+O, then m) downloads one");
    if (!query) {
      ctx.notify(`Models: ${names.join(", ")}`);
      return;
    }
    const found = matchModelNames(names, query);
    if (found.length === 0) throw new CommandArgumentError(`/model: no model matches "${query}"; the library has ${names.join(", ")}`);
    if (found.length > 1) throw new CommandArgumentError(`/model: "${query}" could be ${found.join(", ")}; type more of the name`);
    ctx.loadModel(found[0]!);
  },
  complete(args, ctx) {
    const q = args.toLowerCase();
    const names = ctx.modelNames();
    const starts = names.filter((n) => n.toLowerCase().startsWith(q));
    return [...starts, ...names.filter((n) => !starts.includes(n) && n.toLowerCase().includes(q))];
  },
};
