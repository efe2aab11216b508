/** Why a Hugging Face request or download failed, in words a person can act on. */
export class HubError extends Error {
  constructor(
    message: string,
    readonly kind: "not-found" | "gated" | "http" | "network" | "bad-listing",
    readonly status?: number,
  ) {
    super(message);
    this.name = "HubError";
  }
}

/** The connection dropped mid-download; the `.part` file is kept and a rerun resumes. */
export class DownloadInterruptedError extends Error {
  constructor(
    readonly file: string,
    readonly bytesSoFar: number,
    cause: unknown,
  ) {
    super(`${file}: connection dropped after ${bytesSoFar} bytes (${describeCause(cause)}); run the same command again to resume`);
    this.name = "DownloadInterruptedError";
  }
}

/** The downloaded bytes are not what the hub announced; nothing was kept. */
export class DownloadVerifyError extends Error {
  constructor(
    readonly file: string,
    readonly field: "size" | "sha256",
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${file}: downloaded ${field} ${actual} does not match the hub's ${expected}; the file was discarded`);
    this.name = "DownloadVerifyError";
  }
}

/** The user cancelled (Ctrl+C); the `.part` file is kept for a later resume. */
export class DownloadCancelledError extends Error {
  constructor(readonly file: string) {
    super(`${file}: download cancelled; run the same command again to resume`);
    this.name = "DownloadCancelledError";
  }
}

export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const inner = (cause as { cause?: unknown }).cause;
  const code = inner && typeof inner === "object" && "code" in inner ? String((inner as { code: unknown }).code) : "";
  return code ? `${cause.message}: ${code}` : cause.message;
}
