import { Low } from "lowdb";
import type { Adapter } from "lowdb";
import { readFile, rename } from "node:fs/promises";
import { writeFileAtomic } from "./atomicWrite.ts";

/** A lowdb adapter whose writes are atomic and fsynced (lowdb's own skips fsync). */
export class AtomicJsonFile<T> implements Adapter<T> {
  constructor(
    readonly path: string,
    private readonly indent = 0,
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new CorruptDataFileError(this.path);
    }
  }

  async write(data: T): Promise<void> {
    await writeFileAtomic(this.path, JSON.stringify(data, null, this.indent || undefined));
  }
}

export class CorruptDataFileError extends Error {
  constructor(readonly path: string) {
    super(`${path}: not valid JSON`);
    this.name = "CorruptDataFileError";
  }
}

export interface OpenJsonDbOptions<T> {
  path: string;
  defaults: T;
  indent?: number;
  /** A corrupt file is moved aside (never deleted) and the defaults are used. */
  onCorrupt?: (backupPath: string) => void;
}

export async function openJsonDb<T>(options: OpenJsonDbOptions<T>): Promise<Low<T>> {
  const db = new Low<T>(new AtomicJsonFile<T>(options.path, options.indent), structuredClone(options.defaults));
  try {
    await db.read();
  } catch (error) {
    if (!(error instanceof CorruptDataFileError)) throw error;
    const backup = `${options.path}.corrupt-${Date.now()}`;
    await rename(options.path, backup);
    options.onCorrupt?.(backup);
    db.data = structuredClone(options.defaults);
  }
  db.data ??= structuredClone(options.defaults);
  return db;
}
