/**
 * Errors as each API family writes them: OpenAI and llama.cpp clients read
 * `{"error":{"code","message","type"}}`, KoboldCpp clients `{"detail":{"msg","type"}}`.
 */
export type Family = "openai" | "llama" | "kobold";

const openaiTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  413: "request_too_large",
  500: "server_error",
  501: "not_supported_error",
  503: "unavailable_error",
};

const koboldTypes: Record<number, string> = {
  400: "bad_input",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "bad_input",
  413: "too_large",
  500: "server_error",
  501: "not_supported",
  503: "service_unavailable",
};

/** A request the server answers with an error status, before any of the answer was sent. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly options: { type?: string; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function errorBody(family: Family, error: HttpError): unknown {
  if (family === "kobold") {
    return { detail: { ...(error.status === 401 && { error: "Unauthorized" }), msg: error.message, type: error.options.type ?? koboldTypes[error.status] ?? "server_error" } };
  }
  return {
    error: {
      code: error.status,
      message: error.message,
      type: error.options.type ?? openaiTypes[error.status] ?? "server_error",
      param: null,
      ...error.options.extra,
    },
  };
}

/** The family whose error shape a path gets: /api/... is KoboldCpp's. */
export function familyOfPath(path: string): Family {
  if (path.startsWith("/api/")) return "kobold";
  if (path.startsWith("/v1/") || path === "/models" || path === "/chat/completions") return "openai";
  return "llama";
}
