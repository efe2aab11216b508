/**
 * Every key the TUI answers to, in one table. The settings file's `keybindings`
 * object ({ action: "ctrl+x" | ["ctrl+x", "f2"] }) overrides the defaults.
 */
export type KeyAction = "stop" | "send" | "newline" | "swipeLeft" | "swipeRight" | "deleteLast" | "complete" | "help" | "historyPrev" | "historyNext" | "continue" | "impersonate" | "edit" | "editExternal" | "select" | "inspect" | "lore" | "samplers" | "modelPanel" | "members" | "home" | "reasoning";

export interface KeyInfo {
  upArrow: boolean; downArrow: boolean; leftArrow: boolean; rightArrow: boolean;
  return: boolean; escape: boolean; ctrl: boolean; shift: boolean; tab: boolean; meta: boolean;
}

export type Keybindings = Record<KeyAction, string[]>;

/** Short enough for two columns of help at 80 columns. */
export const keyDescriptions: Record<KeyAction, string> = {
  stop: "Stop; idle: twice quits",
  send: "Send; empty: a new reply",
  newline: "New line",
  swipeLeft: "Previous swipe *",
  swipeRight: "Next or new swipe *",
  deleteLast: "Delete last message *",
  complete: "Complete /command, names",
  help: "This help *",
  continue: "Continue last reply",
  impersonate: "Model writes for you",
  edit: "Edit last message",
  editExternal: "Edit last in $EDITOR",
  select: "Pick any message *",
  inspect: "Prompt sections, tokens",
  lore: "Lore entries that fired",
  samplers: "Samplers, presets (live)",
  modelPanel: "Model: VRAM, layers, ctx",
  members: "Group: who speaks, mute",
  home: "Home (chat is saved)",
  reasoning: "Show/hide reasoning",
  historyPrev: "Previous sent line",
  historyNext: "Next sent line",
};

export const defaultKeybindings: Keybindings = {
  stop: ["ctrl+c"],
  send: ["enter"],
  newline: ["alt+enter", "ctrl+j"],
  swipeLeft: ["left"],
  swipeRight: ["right"],
  deleteLast: ["ctrl+d"],
  complete: ["tab"],
  help: ["?"],
  continue: ["alt+c"],
  impersonate: ["alt+i"],
  edit: ["ctrl+e"],
  editExternal: ["alt+e"],
  select: ["ctrl+k"],
  inspect: ["alt+p"],
  lore: ["alt+l"],
  samplers: ["alt+s"],
  modelPanel: ["alt+m"],
  members: ["alt+g"],
  home: ["ctrl+o"],
  reasoning: ["alt+r"],
  historyPrev: ["up"],
  historyNext: ["down"],
};

const named: Record<string, keyof KeyInfo> = { enter: "return", left: "leftArrow", right: "rightArrow", up: "upArrow", down: "downArrow", tab: "tab", esc: "escape" };

export class KeybindingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KeybindingError";
  }
}

function checkSpec(action: string, spec: string): string {
  const parts = spec.toLowerCase().split("+");
  const base = parts.at(-1) ?? "";
  const mods = parts.slice(0, -1);
  if (!base || (base.length !== 1 && !(base in named)) || mods.some((m) => !["ctrl", "alt", "shift"].includes(m))) {
    throw new KeybindingError(`settings: keybindings.${action}: "${spec}" is not a key (use e.g. "ctrl+x", "alt+enter", "left", "?")`);
  }
  return parts.join("+");
}

/** Defaults with the settings file's overrides applied; unknown actions or keys are refused. */
export function resolveKeybindings(overrides: unknown): Keybindings {
  const result: Keybindings = { ...defaultKeybindings };
  if (overrides === undefined) return result;
  if (typeof overrides !== "object" || overrides === null || Array.isArray(overrides)) throw new KeybindingError("settings: keybindings must be an object of action: key");
  for (const [action, value] of Object.entries(overrides)) {
    if (!(action in defaultKeybindings)) throw new KeybindingError(`settings: keybindings.${action}: unknown action (known: ${Object.keys(defaultKeybindings).join(", ")})`);
    const specs = typeof value === "string" ? [value] : Array.isArray(value) && value.every((v) => typeof v === "string") ? (value as string[]) : null;
    if (!specs) throw new KeybindingError(`settings: keybindings.${action} must be a key or a list of keys`);
    result[action as KeyAction] = specs.map((s) => checkSpec(action, s));
  }
  return result;
}

/** Whether one key press matches a spec such as "ctrl+j" or "alt+enter". */
export function keyMatches(spec: string, input: string, key: KeyInfo): boolean {
  const parts = spec.split("+");
  const base = parts.at(-1) ?? "";
  const ctrl = parts.includes("ctrl");
  const alt = parts.includes("alt");
  const namedKey = named[base];
  if (namedKey) {
    return key[namedKey] === true && key.ctrl === ctrl && key.meta === alt && (!parts.includes("shift") || key.shift);
  }
  if (ctrl) return key.ctrl && input.toLowerCase() === base;
  if (alt) return key.meta && input === base;
  return !key.ctrl && !key.meta && input === base;
}

export function actionFor(bindings: Keybindings, input: string, key: KeyInfo): KeyAction | null {
  for (const [action, specs] of Object.entries(bindings) as [KeyAction, string[]][]) {
    if (specs.some((s) => keyMatches(s, input, key))) return action;
  }
  return null;
}
