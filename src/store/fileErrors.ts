/** A failed write, named by its file: Node's own messages name none for ENOSPC ("no space left on device, write"). */
export class FileWriteError extends Error {
  constructor(readonly path: string, readonly code: string | undefined, reason: string) {
    super(`${path}: ${reason}`);
    this.name = "FileWriteError";
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: "cannot be written: the disk is full (the file is as it was)",
  EDQUOT: "cannot be written: the disk quota is used up (the file is as it was)",
  EACCES: "cannot be written: permission denied",
  EPERM: "cannot be written: permission denied",
  EROFS: "cannot be written: the file system is read-only",
};

export function writeError(path: string, error: unknown): Error {
  if (error instanceof FileWriteError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return new FileWriteError(path, code, (code && REASONS[code]) ?? `cannot be written (${message})`);
}
