import { homedir, platform } from "node:os";
import { join } from "node:path";

/** Where the user's own things live: library, chats, settings, models. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.TAPROOM_HOME || (env.XDG_DATA_HOME ? join(env.XDG_DATA_HOME, "taproom") : homeDataDir(env));
  if (process.env[TEST_RUN] && isRealDataDir(dir)) {
    throw new Error(`a test reached for the real data directory (${dir}): give it TAPROOM_HOME, a temp folder`);
  }
  return dir;
}

function homeDataDir(env: NodeJS.ProcessEnv): string {
  if (platform() === "darwin") return join(homedir(), "Library", "Application Support", "taproom");
  if (platform() === "win32" && env.APPDATA) return join(env.APPDATA, "taproom");
  return join(homedir(), ".local", "share", "taproom");
}

/** Set by scripts/run-tests.ts: under the test runner the user's own data directory is refused, never written. */
const TEST_RUN = "TAPROOM_TEST_RUN";

function isRealDataDir(dir: string): boolean {
  const real = [homeDataDir(process.env), ...(process.env.XDG_DATA_HOME ? [join(process.env.XDG_DATA_HOME, "taproom")] : [])];
  return real.includes(dir);
}

export interface DataPaths {
  root: string;
  characters: string;
  lorebooks: string;
  chats: string;
  /** Group definitions, one file each (their chats are with the others in `chats`). */
  groups: string;
  models: string;
  settings: string;
  /** Keys for remote servers, readable by the user alone. */
  secrets: string;
  cache: string;
}

export function dataPaths(root = dataDir()): DataPaths {
  return {
    root,
    characters: join(root, "characters"),
    lorebooks: join(root, "lorebooks"),
    chats: join(root, "chats"),
    groups: join(root, "groups"),
    models: join(root, "models"),
    settings: join(root, "settings.json"),
    secrets: join(root, "secrets.json"),
    cache: join(root, "cache"),
  };
}
