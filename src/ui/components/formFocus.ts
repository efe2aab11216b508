/** The keys of the screens' small forms: one field focused at a time, text fields and one choice. */
import type { Key } from "ink";

/** The field focused after these keys, or undefined when they do not move the focus. */
function movedFocus<F extends string>(fields: readonly F[], focus: F, key: Key): F | undefined {
  const at = fields.indexOf(focus);
  if ((key.tab && !key.shift) || key.downArrow) return fields[(at + 1) % fields.length];
  if ((key.tab && key.shift) || key.upArrow) return fields[(at + fields.length - 1) % fields.length];
  return undefined;
}

/** The next of `choices` after `current` (←, or → and space), wrapping; the same one for other keys. */
function cycledChoice<C extends string>(choices: readonly C[], current: C, char: string, key: Key): C {
  const step = key.leftArrow ? -1 : key.rightArrow || char === " " ? 1 : 0;
  const i = choices.indexOf(current);
  return step ? choices[(i + step + choices.length) % choices.length]! : current;
}

/** A form's shape as formKey handles it: the focused field, a problem shown under it, and each field's value. */
export interface FieldForm<F extends string> {
  focus: F;
  problem: string | null;
}

export type FormKeyStep<T> = { form: T } | { submit: true } | { cancel: true };

/**
 * Esc or Ctrl+C cancels, Enter submits, Tab and the arrows move between `fields`, ←→ (and
 * space) cycle the choice field, other keys edit the focused text through `edit`. A change
 * clears the problem.
 */
export function formKey<F extends string, T extends FieldForm<F>>(
  form: T,
  spec: { fields: readonly F[]; choice: { field: F; choices: readonly string[] } },
  char: string,
  key: Key,
  edit: (text: string) => string,
): FormKeyStep<T> {
  if (key.escape || (key.ctrl && char === "c")) return { cancel: true };
  if (key.return) return { submit: true };
  const focus = movedFocus(spec.fields, form.focus, key);
  if (focus) return { form: { ...form, focus, problem: null } };
  const value = (form as unknown as Record<string, string>)[form.focus]!;
  const next = form.focus === spec.choice.field ? cycledChoice(spec.choice.choices, value, char, key) : edit(value);
  return { form: next === value ? form : { ...form, [form.focus]: next, problem: null } };
}
