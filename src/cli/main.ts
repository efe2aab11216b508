import { readFileSync } from "node:fs";
import { commands } from "./commands/index.ts";
import { UsageError, type CliIO } from "./command.ts";
import { guardOutput, sanitizeForTerminal } from "../core/text/sanitize.ts";

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

export function helpText(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const list = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n");
  return `taproom ${version()}: chat and roleplay with local LLMs in your terminal

Usage:
  taproom [--model FILE] [--character NAME] [--models-dir DIR]   open the app
  taproom <command> [options]                                      run headless
  taproom <command> --help                                         one command's options

Commands:
${list}

Your library, chats and models live in the data directory (TAPROOM_HOME to move it).
`;
}

/** Runs one invocation and returns the exit code; never calls process.exit itself. */
export async function runCli(argv: string[], rawIO: CliIO): Promise<number> {
  // Headless output quotes cards, books, chats and model replies: every line goes through the guard.
  const io: CliIO = {
    ...rawIO,
    stdout: { write: (text: string) => rawIO.stdout.write(guardOutput(text)) },
    stderr: { write: (text: string) => rawIO.stderr.write(guardOutput(text)) },
  };
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    io.stdout.write(helpText());
    return 0;
  }
  if (first === "--version" || first === "-v") {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const named = commands.find((c) => c.name === first);
  const command = named ?? commands.find((c) => c.name === "tui");
  const args = named ? rest : argv;
  // Anything but an option before the app's options is a command's name mistyped.
  if (!command || (!named && first !== undefined && !first.startsWith("-"))) {
    // Loaded only here: --version and --help load nothing they do not print.
    const { didYouMean } = await import("../core/text/suggest.ts");
    const hint = didYouMean(first ?? "", [...commands.map((c) => c.name), "help"]);
    // io is guarded: a control character in the name shows as an escape, never runs.
    io.stderr.write(`taproom: unknown command "${first ?? ""}"${hint}. Run taproom --help for the list.\n`);
    return 2;
  }
  // Options given to the app itself (no command named) are the app's: its errors say "taproom".
  const label = named ? `taproom ${command.name}` : "taproom";
  if (named && (args.includes("--help") || args.includes("-h"))) {
    io.stdout.write(command.usage.endsWith("\n") ? command.usage : `${command.usage}\n`);
    return 0;
  }
  // A kill between an atomic write and its rename leaves a temp file: swept at every start.
  // Loaded here, not at the top: --version and --help read no store.
  await (await import("../app/housekeeping.ts")).sweepStaleTemps(io.env);
  try {
    return await (await command.load()).run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${label}: ${error.message}\nRun ${label} --help for usage.\n`);
      return 2;
    }
    // Messages quote untrusted input (a card's bytes in a JSON error, a downloaded file's name).
    const message = sanitizeForTerminal(error instanceof Error ? error.message : String(error));
    io.stderr.write(`${label}: ${message}\n`);
    if (io.env.TAPROOM_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    return 1;
  }
}
