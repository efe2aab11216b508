import { UsageError } from "./command.ts";

/** `--names on|off`: name prefixes in the prompt, as a TurnSettings field (nothing when not given). */
export function namesFlag(value: string | undefined): { names?: boolean } {
  if (value === undefined) return {};
  if (value === "on") return { names: true };
  if (value === "off") return { names: false };
  throw new UsageError(`--names must be on or off, got "${value}"`);
}
