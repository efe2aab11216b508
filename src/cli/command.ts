/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One headless subcommand, in its own file under src/cli/commands. */
export interface CliCommand {
  name: string;
  summary: string;
  /** Full usage text shown by `taproom NAME --help`. */
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A mistake in how the command was called: shown with a hint, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
