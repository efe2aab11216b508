/**
 * SillyTavern-style macros ({{char}}, {{random::a::b}}, {{setvar::x::1}}, ...).
 * Pure: the clock, randomness and variables come in through MacroEnv, so the same
 * inputs always give the same text.
 */

export interface MacroEnv {
  char: string;
  user: string;
  /** The persona's description. */
  persona?: string;
  description?: string;
  personality?: string;
  scenario?: string;
  mesExamples?: string;
  /** Text of the last message in the chat, for {{lastMessage}}. */
  lastMessage?: string;
  /** When the user last wrote, for {{idle_duration}}. */
  lastUserMessageAt?: Date;
  now: () => Date;
  /** IANA time zone for {{time}}/{{date}}/{{weekday}}; the machine's when absent. */
  timeZone?: string;
  /** Uniform [0, 1): {{random}} and {{roll}}. */
  random: () => number;
  /** Seed for {{pick}}, which must choose the same way every time in one chat. */
  chatId: string;
  /** Read and written by {{getvar}}/{{setvar}}; mutated in place. */
  variables: Record<string, string>;
  /** Activated outlet lore by outlet name, for {{outlet::name}}; an outlet not here is empty. */
  outlets?: ReadonlyMap<string, string>;
  /** {{group}} and {{charIfNotGroup}}: a group's members, muted ones too, joined with ", "; {{char}} outside a group. */
  group?: string;
  /** {{groupNotMuted}}: the members not muted; as {{group}} outside a group. */
  groupNotMuted?: string;
  /** {{notChar}}: everyone in the chat but {{char}}; {{user}} outside a group. */
  notChar?: string;
}

const FIELD_MACROS = ["description", "personality", "scenario", "mesExamples", "persona"] as const;

/** Expands every macro taproom knows in `text`; unknown ones stay as written. */
export function expandMacros(text: string, env: MacroEnv): string {
  if (!text) return "";
  let out = text.replace(/\{\{\/\/[\s\S]*?\}\}/g, "");
  out = expandFieldMacros(out, env);
  out = expandLegacyMacros(out, env);
  out = out.replace(/\{\{([^{}]*)\}\}/g, (whole, body: string, offset: number) => {
    const value = expandOne(body.trim(), env, offset, out);
    return value ?? whole;
  });
  return out.replace(/(?:\r?\n)*\{\{trim\}\}(?:\r?\n)*/gi, "");
}

function expandFieldMacros(text: string, env: MacroEnv): string {
  // Card fields may themselves contain {{char}} etc., so they go in first.
  return text.replace(/\{\{(description|personality|scenario|mesExamples|persona)\}\}/gi, (whole, name: string) => {
    const key = FIELD_MACROS.find((k) => k.toLowerCase() === name.toLowerCase());
    return key ? (env[key] ?? "") : whole;
  });
}

function expandLegacyMacros(text: string, env: MacroEnv): string {
  return text.replace(/<USER>/gi, env.user).replace(/<(?:BOT|CHAR)>/gi, env.char);
}

function expandOne(body: string, env: MacroEnv, offset: number, source: string): string | undefined {
  const lower = body.toLowerCase();
  switch (lower) {
    case "char":
      return env.char;
    case "user":
      return env.user;
    case "newline":
      return "\n";
    case "trim":
      return undefined; // handled after the pass, with the newlines around it
    case "lastmessage":
      return env.lastMessage ?? "";
    case "group":
    case "charifnotgroup":
      return env.group ?? env.char;
    case "groupnotmuted":
      return env.groupNotMuted ?? env.group ?? env.char;
    case "notchar":
      return env.notChar ?? env.user;
    case "time":
      return formatClock(env, { hour: "numeric", minute: "2-digit" });
    case "date":
      return formatClock(env, { year: "numeric", month: "long", day: "numeric" });
    case "weekday":
      return formatClock(env, { weekday: "long" });
    case "idle_duration":
      return idleDuration(env);
  }
  if (lower.startsWith("setvar::")) return setVar(body, env);
  if (lower.startsWith("getvar::")) return env.variables[body.slice("getvar::".length).trim()] ?? "";
  if (lower.startsWith("outlet::")) return outletText(body.slice("outlet::".length).trim(), env);
  if (/^random[:\s]/i.test(body)) return choose(listOptions(body.slice(6)), env.random());
  if (/^pick[:\s]/i.test(body)) {
    return choose(listOptions(body.slice(4)), seededUnit(`${env.chatId}\u0000${source}\u0000${offset}`));
  }
  if (/^roll[:\s]/i.test(body)) return rollDice(body.slice(5).trim(), env.random);
  return undefined;
}

/**
 * The outlet's lore with its own macros expanded. The name is matched exactly, case and
 * all, as SillyTavern does; an outlet written inside outlet lore is empty, since
 * SillyTavern does not nest them (and so no outlet can include itself).
 */
function outletText(name: string, env: MacroEnv): string {
  const text = name ? env.outlets?.get(name) : undefined;
  if (!text) return "";
  const { outlets: _outlets, ...inner } = env;
  return expandMacros(text, inner);
}

function setVar(body: string, env: MacroEnv): string | undefined {
  const [, name, ...rest] = body.split("::");
  if (!name) return undefined;
  env.variables[name.trim()] = rest.join("::");
  return "";
}

/** `::a::b` splits on `::`; `:a,b` on commas (a `\,` keeps a comma). */
function listOptions(args: string): string[] {
  if (args.startsWith("::")) return args.slice(2).split("::");
  const list = args.replace(/^[:\s]/, "");
  return list.split(/(?<!\\),/).map((item) => item.replace(/\\,/g, ",").trim());
}

function choose(options: string[], unit: number): string {
  if (options.length === 0) return "";
  return options[Math.min(options.length - 1, Math.floor(unit * options.length))] ?? "";
}

/** A number in [0, 1) from a string (FNV-1a then a xorshift mix): stable across runs. */
export function seededUnit(seed: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    hash ^= seed.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

/** `d20`, `2d6+1`, `20` (a d20), `3d8-2`. */
function rollDice(formula: string, random: () => number): string | undefined {
  const match = /^(\d*)d(\d+)([+-]\d+)?$/i.exec(formula) ?? /^()(\d+)()$/.exec(formula);
  if (!match) return undefined;
  const count = Number(match[1] || 1);
  const sides = Number(match[2]);
  if (count < 1 || count > 1000 || sides < 1) return undefined;
  let total = Number(match[3] || 0);
  for (let i = 0; i < count; i++) total += 1 + Math.floor(random() * sides);
  return String(total);
}

function formatClock(env: MacroEnv, options: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat("en-US", { ...options, timeZone: env.timeZone }).format(env.now());
}

function idleDuration(env: MacroEnv): string {
  if (!env.lastUserMessageAt) return "just now";
  return humanizeDuration(env.now().getTime() - env.lastUserMessageAt.getTime());
}

/** "a few seconds", "5 minutes", "an hour", "3 days": the wording SillyTavern users see. */
export function humanizeDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.round(seconds / 60);
  const hours = Math.round(minutes / 60);
  const days = Math.round(hours / 24);
  if (seconds < 45) return "a few seconds";
  if (seconds < 90) return "a minute";
  if (minutes < 45) return `${minutes} minutes`;
  if (minutes < 90) return "an hour";
  if (hours < 22) return `${hours} hours`;
  if (hours < 36) return "a day";
  if (days < 26) return `${days} days`;
  if (days < 45) return "a month";
  if (days < 320) return `${Math.round(days / 30)} months`;
  if (days < 548) return "a year";
  return `${Math.round(days / 365)} years`;
}
