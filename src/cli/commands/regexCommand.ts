import type { CliCommand, CliIO } from "../command.ts";
import { runSubcommand, UsageError } from "../command.ts";
import { parseCommandArgs } from "../args.ts";
import { createApp } from "../../app/app.ts";
import { PLACEMENT_NAMES, type RegexScript } from "../../core/regexScripts/script.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { regexHelp } from "./help.ts";

function line(s: RegexScript): string {
  const where = s.placement.map((p) => PLACEMENT_NAMES[p] ?? String(p)).join(", ") || "nowhere";
  const only = s.promptOnly ? " prompt-only" : s.markdownOnly ? " display-only" : "";
  return `  ${s.disabled ? "-" : "+"} ${s.scriptName || "(no name)"}  [${where}${only}]  ${s.findRegex}`;
}

async function list(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { character: { type: "string" }, json: { type: "boolean" } }, false);
  const listing = await createApp({ env: io.env, cwd: io.cwd }).regex.list(values.character);
  if (values.json) {
    io.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  const out = [`Global scripts (${listing.global.length}):`, ...listing.global.map(line)];
  if (listing.card) {
    const { name, scripts, state } = listing.card;
    const runs = state === "allowed" ? "they run" : state === "none" ? "" : `not run (${state === "declined" ? "declined" : "never allowed"}): taproom regex allow ${name} runs them`;
    out.push(`${name}'s card scripts (${scripts.length})${runs ? `: ${runs}` : ""}:`, ...scripts.map(line));
  }
  for (const p of listing.problems) io.stderr.write(`${displayText(p)}\n`);
  io.stdout.write(`${displayText(out.join("\n"))}\n`);
  return 0;
}

async function importFile(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  if (positionals.length !== 1) throw new UsageError("import takes one FILE (a SillyTavern regex script export)");
  const { added, refused } = await createApp({ env: io.env, cwd: io.cwd }).regex.import(positionals[0]!);
  for (const r of refused) io.stderr.write(`refused ${displayText(r)}\n`);
  io.stdout.write(`${displayText(added.length ? `Imported ${added.length} global script${added.length === 1 ? "" : "s"}: ${added.join(", ")}` : "Imported nothing")}\n`);
  return added.length ? 0 : 1;
}

async function exportOne(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, { out: { type: "string" }, character: { type: "string" } });
  const name = positionals.join(" ").trim();
  if (!name || !values.out) throw new UsageError("export takes a script NAME and --out FILE");
  const out = await createApp({ env: io.env, cwd: io.cwd }).regex.export(name, values.out, values.character);
  io.stdout.write(`${displayText(`Wrote ${out}`)}\n`);
  return 0;
}

async function remove(argv: string[], io: CliIO): Promise<number> {
  const { positionals } = parseCommandArgs(argv, {});
  const name = positionals.join(" ").trim();
  if (!name) throw new UsageError("delete takes a script NAME");
  await createApp({ env: io.env, cwd: io.cwd }).regex.remove(name);
  io.stdout.write(`${displayText(`Deleted the global script "${name}"`)}\n`);
  return 0;
}

const answer = (allow: boolean) => async (argv: string[], io: CliIO): Promise<number> => {
  const { positionals } = parseCommandArgs(argv, {});
  const character = positionals.join(" ").trim();
  if (!character) throw new UsageError(`${allow ? "allow" : "deny"} takes a CHARACTER`);
  const { name, count, state } = await createApp({ env: io.env, cwd: io.cwd }).regex.answer(character, allow);
  const said = state === "none" ? `${name}'s card has no regex scripts` : `${name}'s ${count} regex script${count === 1 ? "" : "s"} ${allow ? "now run in its chats" : "stay off"} (asked again if the card's scripts change)`;
  io.stdout.write(`${displayText(said)}\n`);
  return 0;
};

export const regexCommand: CliCommand = {
  ...regexHelp,
  run: (argv, io) => runSubcommand("regex", { list, import: importFile, export: exportOne, delete: remove, allow: answer(true), deny: answer(false) }, argv, io, list),
};
