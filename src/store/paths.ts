import { homedir, platform } from "node:os";
import { join } from "node:path";

/** Where the user's own things live: library, chats, settings, models. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TAPROOM_HOME) return env.TAPROOM_HOME;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, "taproom");
  if (platform() === "darwin") return join(homedir(), "Library", "Application Support", "taproom");
  if (platform() === "win32" && env.APPDATA) return join(env.APPDATA, "taproom");
  return join(homedir(), ".local", "share", "taproom");
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
    cache: join(root, "cache"),
  };
}
