import { CommandArgumentError, type SlashCommand } from "./command.ts";

const bare = (name: string) => name.toLowerCase().replace(/\.gguf$/, "");

/** The library names a query picks: an exact name (with or without .gguf) alone, else every name containing it. */
export function matchModelNames(names: string[], query: string): string[] {
  const q = bare(query.trim());
  if (!q) return [];
  const exact = names.filter((n) => bare(n) === q);
  if (exact.length > 0) return exact;
  return names.filter((n) => n.toLowerCase().includes(q));
}

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
