/** Moving between a form's fields: Tab or ↓ to the next, Shift+Tab or ↑ to the one before, wrapping. */
import type { Key } from "ink";

/** The field focused after these keys, or undefined when they do not move the focus. */
export function movedFocus<F extends string>(fields: readonly F[], focus: F, key: Key): F | undefined {
  const at = fields.indexOf(focus);
  if ((key.tab && !key.shift) || key.downArrow) return fields[(at + 1) % fields.length];
  if ((key.tab && key.shift) || key.upArrow) return fields[(at + fields.length - 1) % fields.length];
  return undefined;
}

/** The next of `choices` after `current` (←, or → and space), wrapping; the same one for other keys. */
export function cycledChoice<C extends string>(choices: readonly C[], current: C, char: string, key: Key): C {
  const step = key.leftArrow ? -1 : key.rightArrow || char === " " ? 1 : 0;
  const i = choices.indexOf(current);
  return step ? choices[(i + step + choices.length) % choices.length]! : current;
}
