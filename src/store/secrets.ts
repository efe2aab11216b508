/**
 * Keys for remote servers (secrets.json, beside the settings): kept out of settings.json,
 * which people share and copy between machines, and written readable by the user alone.
 */
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "./atomicWrite.ts";

interface SecretsFile {
  /** Server address -> its API key. */
  backendKeys: Record<string, string>;
}

export class SecretsError extends Error {
  constructor(path: string, field: string, detail: string) {
    super(`${path}: "${field}" ${detail}`);
    this.name = "SecretsError";
  }
}

async function readSecrets(path: string): Promise<SecretsFile & Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { backendKeys: {} };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SecretsError(path, "(root)", "is not valid JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new SecretsError(path, "(root)", "must be a JSON object");
  const file = raw as Record<string, unknown>;
  const keys = file.backendKeys ?? {};
  if (typeof keys !== "object" || keys === null || Array.isArray(keys) || Object.values(keys).some((k) => typeof k !== "string")) {
    throw new SecretsError(path, "backendKeys", "must map server addresses to keys (text)");
  }
  return { ...file, backendKeys: { ...(keys as Record<string, string>) } };
}

/** The key saved for a server address, if any. */
export async function readBackendKey(path: string, url: string): Promise<string | undefined> {
  return (await readSecrets(path)).backendKeys[url];
}

/** Saves (or, with no key, removes) a server's key; other entries and fields are kept. */
export async function saveBackendKey(path: string, url: string, key: string | undefined): Promise<void> {
  const secrets = await readSecrets(path);
  if (key === undefined && !(url in secrets.backendKeys)) return;
  if (key === undefined) delete secrets.backendKeys[url];
  else secrets.backendKeys[url] = key;
  await writeFileAtomic(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
}
