/**
 * Reading a request's fields as the servers we imitate do: a number may come as a JSON
 * number or a string that is wholly a number ("0.7"), `null` is unset, and any other
 * type is a 400 naming the field as the client wrote it.
 */
import { HttpError } from "../http/errors.ts";

export type Body = Record<string, unknown>;

const shown = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

export function isSet(body: Body, name: string): boolean {
  return Object.hasOwn(body, name) && body[name] !== null && body[name] !== undefined;
}

export function num(body: Body, name: string): number | undefined {
  if (!isSet(body, name)) return undefined;
  const value = body[name];
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  if (typeof value === "string" && value.trim() === "") return undefined;
  throw new HttpError(400, `${name}: expected a number, got ${shown(value)}`);
}

export function int(body: Body, name: string): number | undefined {
  const value = num(body, name);
  if (value !== undefined && !Number.isInteger(value)) throw new HttpError(400, `${name}: expected a whole number, got ${value}`);
  return value;
}

/** `true`/`false`; 0 and 1 only where a legacy client sends them (`numeric`). */
export function bool(body: Body, name: string, numeric = false): boolean | undefined {
  if (!isSet(body, name)) return undefined;
  const value = body[name];
  if (typeof value === "boolean") return value;
  if (numeric && (value === 0 || value === 1)) return value === 1;
  throw new HttpError(400, `${name}: expected true or false, got ${shown(value)}`);
}

export function str(body: Body, name: string): string | undefined {
  if (!isSet(body, name)) return undefined;
  const value = body[name];
  if (typeof value === "string") return value;
  throw new HttpError(400, `${name}: expected a string, got ${shown(value)}`);
}

/** A string or an array of strings, as a list (empty strings dropped). */
export function strings(body: Body, name: string): string[] {
  if (!isSet(body, name)) return [];
  const value = body[name];
  if (typeof value === "string") return value === "" ? [] : [value];
  if (Array.isArray(value) && value.every((x) => typeof x === "string")) return (value as string[]).filter((x) => x !== "");
  throw new HttpError(400, `${name}: expected a string or an array of strings, got ${shown(value)}`);
}

/** The first of `names` that is set, read with `read`; `unset` values count as absent (the next is tried). */
export function first<T>(body: Body, names: readonly string[], read: (body: Body, name: string) => T | undefined, unset: (value: T) => boolean = () => false): { name: string; value: T } | undefined {
  for (const name of names) {
    const value = read(body, name);
    if (value !== undefined && !unset(value)) return { name, value };
  }
  return undefined;
}
