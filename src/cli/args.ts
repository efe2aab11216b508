import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./command.ts";
import { didYouMean } from "../core/text/suggest.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * parseArgs with strict checking whose errors become one-line usage errors; an unknown
 * option names the closest known one (`alsoKnown`: flags handled before parsing, --help).
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = true, alsoKnown: string[] = ["help"]) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, options), options, allowPositionals, strict: true });
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    const unknown = code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" ? /'(-[^']*)'/.exec(message)?.[1] : undefined;
    if (unknown) {
      const name = unknown.replace(/^-+/, "").replace(/=.*$/, "");
      throw new UsageError(`unknown option ${unknown}${didYouMean(name, [...Object.keys(options), ...alsoKnown], { prefix: "--", quote: false })}`);
    }
    throw new UsageError(message.split("\n")[0] ?? "bad arguments");
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

/** parseArgs reads `--temperature -1` as two options; a negative number is the option's value. */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith("--") && !arg.includes("=") ? arg.slice(2) : undefined;
    if (name && options[name]?.type === "string" && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}
