/**
 * Request bodies: counted as they arrive and refused past the limit, parsed as JSON
 * whatever the Content-Type says (curl's default form type included, as llama.cpp
 * does), and checked for depth and array sizes before anything reads them.
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors.ts";

export const MAX_DEPTH = 32;
export const MAX_ARRAY = 1024;

const mib = (bytes: number) => (bytes >= 2 ** 20 ? `${+(bytes / 2 ** 20).toFixed(1)} MiB` : `${bytes} bytes`);

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  const tooLarge = () => new HttpError(413, `request body is over the ${mib(limit)} limit (taproom serve --max-body raises it)`, { headers: { Connection: "close" } });
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A JSON body; `{}` when empty (KoboldCpp's abort, llama.cpp's GETs sent as POSTs). */
export function parseJsonBody(bytes: Buffer): unknown {
  const text = bytes.toString("utf8").trim();
  if (text === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `request body is not valid JSON: ${(error as Error).message}`);
  }
  checkShape(value, "body", 0);
  return value;
}

function checkShape(value: unknown, where: string, depth: number): void {
  if (value === null || typeof value !== "object") return;
  if (depth >= MAX_DEPTH) throw new HttpError(400, `${where}: nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY && !value.every((x) => typeof x === "number")) throw new HttpError(400, `${where}: more than ${MAX_ARRAY} items`);
    value.forEach((item, i) => checkShape(item, `${where}[${i}]`, depth + 1));
    return;
  }
  for (const [key, item] of Object.entries(value)) checkShape(item, depth === 0 ? key : `${where}.${key}`, depth + 1);
}

export function requireObject(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new HttpError(400, "request body must be a JSON object");
  return value as Record<string, unknown>;
}
