/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What help prints about a command (src/cli/commands/help.ts), known without loading it. */
export interface CommandHelp {
  name: string;
  summary: string;
  /** Full usage text shown by `taproom NAME --help`. */
  usage: string;
}

/** One headless subcommand, in its own file under src/cli/commands. */
export interface CliCommand extends CommandHelp {
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A row of the command table: its help, and its module, imported only when the command runs. */
export interface CommandEntry extends CommandHelp {
  load(): Promise<CliCommand>;
}

/** A mistake in how the command was called: shown with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type SubcommandRun = (argv: string[], io: CliIO) => Promise<number>;

/**
 * Runs the subcommand `argv[0]` names; with none given, `fallback` (or a usage error
 * listing them). Only the table's own names count: `toString` is not a subcommand.
 */
export async function runSubcommand(command: string, subcommands: Record<string, SubcommandRun>, argv: string[], io: CliIO, fallback?: SubcommandRun): Promise<number> {
  const [sub, ...rest] = argv;
  const run = sub === undefined ? fallback : Object.hasOwn(subcommands, sub) ? subcommands[sub] : undefined;
  const names = Object.keys(subcommands).join(", ");
  if (!run && sub === undefined) throw new UsageError(`${command} needs a subcommand: ${names}`);
  if (!run) {
    // Loaded only for a typo: main loads this module for every start, --version too.
    const { didYouMean } = await import("../core/text/suggest.ts");
    throw new UsageError(`unknown ${command} subcommand "${sub}"${didYouMean(sub!, Object.keys(subcommands))} (${names})`);
  }
  return run(rest, io);
}
