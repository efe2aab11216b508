/**
 * Editing a message in the user's own editor ($VISUAL, $EDITOR, else vi): the text goes
 * to a temporary file, the terminal is handed to the editor, and the saved file is read
 * back. The app's raw mode is off while the editor runs and back on afterwards.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class ExternalEditorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExternalEditorError";
  }
}

export interface EditorTerminal {
  isTTY?: boolean;
  setRawMode?(on: boolean): unknown;
}

export interface ExternalEditOptions {
  env: NodeJS.ProcessEnv;
  /** The app's stdin: its raw mode is turned off for the editor. */
  stdin?: EditorTerminal;
}

/** "code --wait" runs as code with --wait; the file is the last argument. */
export function editorCommand(env: NodeJS.ProcessEnv): string[] {
  const spec = (env.VISUAL?.trim() || env.EDITOR?.trim() || "vi").split(/\s+/);
  return spec;
}

/** The text after the editor has run; an editor that fails leaves the message as it was. */
export async function editExternally(text: string, options: ExternalEditOptions): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-edit-"));
  const file = join(dir, "message.md");
  const [command, ...args] = editorCommand(options.env);
  const raw = options.stdin?.isTTY === true && typeof options.stdin.setRawMode === "function";
  try {
    await writeFile(file, text, { encoding: "utf8", mode: 0o600 });
    if (raw) options.stdin!.setRawMode!(false);
    let result;
    try {
      // Synchronous on purpose: the app's event loop must not read keys meant for the editor.
      result = spawnSync(command!, [...args, file], { stdio: "inherit", env: options.env });
    } finally {
      if (raw) options.stdin!.setRawMode!(true);
    }
    if (result.error) throw new ExternalEditorError(`could not start the editor "${command}": ${result.error.message} (set $EDITOR)`);
    if (result.status !== 0) throw new ExternalEditorError(`the editor "${command}" exited with ${result.status ?? result.signal}; the message is unchanged`);
    // Editors add a final newline the message never had.
    return (await readFile(file, "utf8")).replace(/\r?\n$/, "");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
