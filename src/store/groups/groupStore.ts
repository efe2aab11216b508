/**
 * The user's groups: one JSON file per group in dataPaths().groups, written atomically.
 * A group's chats are ordinary chats in the chat store (Chat.groupId names the group).
 * The folder is small and read whole on every list, so another process's changes are
 * always seen.
 */
import { mkdir, readdir, readFile, rename } from "node:fs/promises";
import { join } from "node:path";
import type { Group } from "../../core/group/types.ts";
import { writeFileAtomic } from "../atomicWrite.ts";

const FORMAT = "taproom-group";
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

export class GroupFileError extends Error {
  constructor(readonly path: string, detail: string) {
    super(`${path}: ${detail}`);
    this.name = "GroupFileError";
  }
}

export class GroupNotFoundError extends Error {
  constructor(readonly wanted: string, known: string[]) {
    super(known.length ? `no group named "${wanted}" (there are: ${known.join(", ")})` : `no group named "${wanted}": there are no groups yet (taproom group create)`);
    this.name = "GroupNotFoundError";
  }
}

export class AmbiguousGroupNameError extends Error {
  constructor(readonly wanted: string, readonly matches: Group[]) {
    super(`"${wanted}" matches ${matches.length} groups: ${matches.map((g) => `${g.name} (${g.id})`).join(", ")}`);
    this.name = "AmbiguousGroupNameError";
  }
}

export interface GroupList {
  /** Sorted by name. */
  groups: Group[];
  /** Group files that could not be read, one line each. */
  problems: string[];
}

export class GroupStore {
  private constructor(readonly dir: string) {}

  static async open(options: { dir: string }): Promise<GroupStore> {
    await mkdir(options.dir, { recursive: true });
    return new GroupStore(options.dir);
  }

  async list(): Promise<GroupList> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith(".json") && !f.startsWith(".")).sort();
    const groups: Group[] = [];
    const problems: string[] = [];
    for (const file of files) {
      try {
        groups.push(await this.read(join(this.dir, file)));
      } catch (error) {
        if (error instanceof GroupFileError) problems.push(error.message);
        else throw error;
      }
    }
    groups.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    return { groups, problems };
  }

  /** A group by id, exact name (any case), or the start of a name that only one group has. */
  async get(name: string): Promise<Group> {
    const { groups } = await this.list();
    const wanted = name.trim().toLowerCase();
    const byId = groups.find((g) => g.id === name);
    if (byId) return byId;
    const exact = groups.filter((g) => g.name.toLowerCase() === wanted);
    if (exact.length === 1) return exact[0]!;
    if (exact.length > 1) throw new AmbiguousGroupNameError(name, exact);
    const prefix = wanted === "" ? [] : groups.filter((g) => g.name.toLowerCase().startsWith(wanted));
    if (prefix.length === 1) return prefix[0]!;
    if (prefix.length > 1) throw new AmbiguousGroupNameError(name, prefix);
    throw new GroupNotFoundError(name, groups.map((g) => g.name));
  }

  async has(id: string): Promise<boolean> {
    return (await this.list()).groups.some((g) => g.id === id);
  }

  /** An id SillyTavern would give a group made now (the time in milliseconds), one no group has. */
  async freeId(now: number): Promise<string> {
    const { groups } = await this.list();
    let id = now;
    while (groups.some((g) => g.id === String(id))) id++;
    return String(id);
  }

  async save(group: Group): Promise<void> {
    checkId(group.id);
    const text = `${JSON.stringify({ format: FORMAT, version: 1, group }, null, 2)}\n`;
    await writeFileAtomic(this.path(group.id), text);
  }

  /** Moves the group's file to the trash folder; its chats are the caller's to delete. Returns where it went. */
  async delete(id: string): Promise<string> {
    checkId(id);
    const trash = join(this.dir, ".trash");
    await mkdir(trash, { recursive: true });
    const to = join(trash, `${id}-${Date.now()}.json`);
    await rename(this.path(id), to);
    return to;
  }

  private path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  private async read(path: string): Promise<Group> {
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, "utf8"));
    } catch (error) {
      if (error instanceof SyntaxError) throw new GroupFileError(path, "not valid JSON");
      throw error;
    }
    const record = value as { format?: unknown; group?: unknown } | null;
    if (!record || record.format !== FORMAT) throw new GroupFileError(path, `not a taproom group (format is not "${FORMAT}")`);
    return checkGroup(record.group, path);
  }
}

function checkId(id: string): void {
  if (!SAFE_ID.test(id)) throw new Error(`group id "${id}" must be letters, digits, - and _ (it names a file)`);
}

/** The group as stored, each field checked: a hand-edited file that went wrong is named with its field. */
function checkGroup(value: unknown, path: string): Group {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new GroupFileError(path, `"group" must be an object`);
  const g = value as Record<string, unknown>;
  const fail = (field: string, what: string): never => {
    throw new GroupFileError(path, `"group.${field}" must be ${what}`);
  };
  const text = (f: string) => (typeof g[f] === "string" ? g[f] : fail(f, "text"));
  const texts = (f: string) => (Array.isArray(g[f]) && (g[f] as unknown[]).every((x) => typeof x === "string") ? g[f] : fail(f, "a list of text"));
  const num = (f: string) => (typeof g[f] === "number" && Number.isFinite(g[f]) ? g[f] : fail(f, "a number"));
  const bool = (f: string) => (typeof g[f] === "boolean" ? g[f] : fail(f, "true or false"));
  const obj = (f: string) => (typeof g[f] === "object" && g[f] !== null && !Array.isArray(g[f]) ? g[f] : fail(f, "an object"));
  return {
    id: text("id") as string, name: text("name") as string, members: texts("members") as string[], muted: texts("muted") as string[],
    activationStrategy: num("activationStrategy") as number, generationMode: num("generationMode") as number,
    joinPrefix: text("joinPrefix") as string, joinSuffix: text("joinSuffix") as string, allowSelfResponses: bool("allowSelfResponses") as boolean,
    autoModeDelay: num("autoModeDelay") as number, chatId: text("chatId") as string, chats: texts("chats") as string[],
    cards: obj("cards") as Record<string, string>, extra: obj("extra") as Record<string, unknown>,
  };
}
