import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import type { PersonaService } from "../../app/personas.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { personaHelp } from "./help.ts";

function personasOf(io: CliIO): PersonaService {
  return createApp({ env: io.env, cwd: io.cwd }).personas;
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const { personas, defaultName: fallback } = await personasOf(io).list();
  if (values.json) {
    io.stdout.write(`${JSON.stringify(personas.map((p) => ({ ...p, default: p.name === fallback })), null, 2)}\n`);
    return 0;
  }
  if (personas.length === 0) io.stdout.write("No personas yet: taproom persona set NAME --description TEXT adds one.\n");
  for (const p of personas) {
    io.stdout.write(displayText(`${p.name === fallback ? "*" : " "} ${p.name}${p.description ? `: ${p.description.replace(/\s+/g, " ")}` : ""}`) + "\n");
  }
  return 0;
}

async function set(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { description: { type: "string" }, default: { type: "boolean" } });
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("set takes a persona NAME");
  const { persona, added, isDefault } = await personasOf(io).set(name, {
    ...(values.description !== undefined && { description: values.description }),
    ...(values.default && { makeDefault: true }),
  });
  io.stdout.write(displayText(`${added ? "Added" : "Changed"} persona "${persona.name}"${isDefault ? " (the default)" : ""}`) + "\n");
  return 0;
}

async function makeDefault(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("default takes a persona NAME");
  const saved = await personasOf(io).setDefault(name);
  io.stdout.write(displayText(`New chats start as "${saved}"`) + "\n");
  return 0;
}

async function remove(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("delete takes a persona NAME");
  await personasOf(io).remove(name);
  io.stdout.write(displayText(`Deleted persona "${name}"; chats that used it keep its name`) + "\n");
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = { list, set, default: makeDefault, delete: remove };

export const personaCommand: CliCommand = {
  ...personaHelp,
  run: (argv, io) => runSubcommand("persona", subcommands, argv, io, list),
};
