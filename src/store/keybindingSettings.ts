import { readFile } from "node:fs/promises";

/**
 * The raw `keybindings` object from the settings file (validated by the UI's
 * resolveKeybindings); undefined when the file or the field is absent.
 */
export async function readKeybindingSettings(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== "object" || parsed === null) throw new Error(`${file}: settings must be a JSON object`);
  return (parsed as Record<string, unknown>).keybindings;
}
