import type { RegexScript } from "./script.ts";

/** Problems with scripts, each said once per session (a broken script would otherwise say it on every message). */
export class RegexProblemLog {
  private readonly seen = new Set<string>();
  private readonly pending: string[] = [];

  report = (script: RegexScript, problem: string): void => {
    const line = `regex script "${script.scriptName || script.findRegex}" skipped: ${problem}`;
    if (this.seen.has(line)) return;
    this.seen.add(line);
    this.pending.push(line);
  };

  /** The lines not shown yet. */
  take(): string[] {
    return this.pending.splice(0);
  }
}
