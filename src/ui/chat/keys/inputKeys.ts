import type { InputAction } from "../../input/inputReducer.ts";
import { editActions } from "../../input/editKeys.ts";
import type { ChatKeyEvent } from "./chatKeyEvent.ts";

export interface InputKeyContext {
  edit(action: InputAction): void;
}

/** The input line's editing keys and typed text; what is left after every other handler. */
export function inputKeys(event: ChatKeyEvent, ctx: InputKeyContext): boolean {
  const { char, key, action } = event;
  const one = (next: InputAction) => {
    ctx.edit(next);
    return true;
  };
  if (action === "newline") return one({ type: "newline" });
  if (action === "historyPrev") return one({ type: "historyPrev" });
  if (action === "historyNext") return one({ type: "historyNext" });
  const edits = editActions(char, key);
  if (!edits) return false;
  for (const edit of edits) ctx.edit(edit);
  return true;
}
