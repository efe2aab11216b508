/** A remote backend that could not be reached or refused: one line naming the server and why. */
export class RemoteBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RemoteBackendError";
  }
}

/** The server's own words from an error body, in any of the shapes the APIs use. */
export function errorMessageOf(body: string): string {
  try {
    const data = JSON.parse(body) as Record<string, unknown>;
    const error = data.error as Record<string, unknown> | string | undefined;
    const detail = data.detail as Record<string, unknown> | string | undefined;
    const found = (typeof error === "object" ? error?.message : error) ?? (typeof detail === "object" ? detail?.msg : detail) ?? data.message;
    if (typeof found === "string" && found !== "") return found.split("\n")[0]!;
  } catch {
    // not JSON: the text itself
  }
  return body.trim().split("\n")[0]!.slice(0, 200) || "no message";
}
