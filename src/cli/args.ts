import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** parseArgs with strict checking whose errors become one-line usage errors. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? "bad arguments");
  }
}

export function parseNumberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number)) {
    throw new UsageError(`--${name} must be a number, got "${value}"`);
  }
  return number;
}

export function parseIntegerFlag(name: string, value: string | undefined): number | undefined {
  const number = parseNumberFlag(name, value);
  if (number !== undefined && !Number.isInteger(number)) {
    throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  }
  return number;
}
