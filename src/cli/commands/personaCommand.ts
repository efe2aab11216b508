import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { dataDir, dataPaths } from "../../store/paths.ts";
import { SettingsStore } from "../../store/settings.ts";
import { findPersona } from "../../core/chat/persona.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { personaHelp } from "./help.ts";

function openSettings(io: CliIO): Promise<SettingsStore> {
  return SettingsStore.open({ path: dataPaths(dataDir(io.env)).settings });
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: "boolean" } }, false);
  const store = await openSettings(io);
  const fallback = store.settings.defaultPersona;
  if (values.json) {
    io.stdout.write(`${JSON.stringify(store.personas.map((p) => ({ ...p, default: p.name === fallback })), null, 2)}\n`);
    return 0;
  }
  if (store.personas.length === 0) io.stdout.write("No personas yet: taproom persona set NAME --description TEXT adds one.\n");
  for (const p of store.personas) {
    io.stdout.write(displayText(`${p.name === fallback ? "*" : " "} ${p.name}${p.description ? `: ${p.description.replace(/\s+/g, " ")}` : ""}`) + "\n");
  }
  return 0;
}

async function set(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { description: { type: "string" }, default: { type: "boolean" } });
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("set takes a persona NAME");
  const store = await openSettings(io);
  const before = findPersona(store.personas, name);
  await store.savePersona({ name: before?.name ?? name, description: values.description ?? before?.description ?? "" });
  if (values.default) await store.setDefaultPersona(name);
  const isDefault = findPersona(store.personas, store.settings.defaultPersona ?? "")?.name.toLowerCase() === name.toLowerCase();
  io.stdout.write(displayText(`${before ? "Changed" : "Added"} persona "${before?.name ?? name}"${isDefault ? " (the default)" : ""}`) + "\n");
  return 0;
}

async function makeDefault(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("default takes a persona NAME");
  const settings = await (await openSettings(io)).setDefaultPersona(name);
  io.stdout.write(displayText(`New chats start as "${settings.defaultPersona}"`) + "\n");
  return 0;
}

async function remove(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("delete takes a persona NAME");
  await (await openSettings(io)).deletePersona(name);
  io.stdout.write(displayText(`Deleted persona "${name}"; chats that used it keep its name`) + "\n");
  return 0;
}

const subcommands: Record<string, (argv: string[], io: CliIO) => Promise<number>> = { list, set, default: makeDefault, delete: remove };

export const personaCommand: CliCommand = {
  ...personaHelp,
  run: (argv, io) => runSubcommand("persona", subcommands, argv, io, list),
};
