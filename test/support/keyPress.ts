import type { Key } from "ink";
import { actionFor, defaultKeybindings } from "../../src/ui/app/keybindings.ts";
import type { ChatKeyEvent } from "../../src/ui/chat/keys/chatKeyEvent.ts";

const named: Record<string, keyof Key> = {
  up: "upArrow", down: "downArrow", left: "leftArrow", right: "rightArrow", enter: "return",
  esc: "escape", tab: "tab", home: "home", end: "end", backspace: "backspace",
};

/** A key press as Ink reports it, e.g. "ctrl+c", "alt+enter", "left", "y", with the default bindings' action. */
export function press(spec: string): ChatKeyEvent {
  const parts = spec === "+" ? ["+"] : spec.split("+");
  const base = parts.at(-1)!;
  const key: Key = {
    upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
    home: false, end: false, return: false, escape: false, ctrl: parts.includes("ctrl"), shift: false,
    tab: false, backspace: false, delete: false, meta: parts.includes("alt"), super: false, hyper: false,
    capsLock: false, numLock: false,
  };
  const name = base.length > 1 ? named[base] : undefined;
  if (name) (key as unknown as Record<string, boolean>)[name] = true;
  const char = name ? "" : base;
  return { char, key, action: actionFor(defaultKeybindings, char, key) };
}

/** Text arriving in one read (typed fast or pasted). */
export function typed(text: string): ChatKeyEvent {
  const { key } = press("x");
  return { char: text, key, action: actionFor(defaultKeybindings, text, key) };
}

/** Records every call made through the returned functions, as [name, ...args]. */
export function recorder() {
  const calls: unknown[][] = [];
  const fn =
    <R = void>(name: string, result?: R) =>
    (...args: unknown[]): R => {
      calls.push([name, ...args]);
      return result as R;
    };
  return { calls, fn };
}
