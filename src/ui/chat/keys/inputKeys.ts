import type { InputAction } from "../../input/inputReducer.ts";
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
  if (key.leftArrow) return one({ type: "left" });
  if (key.rightArrow) return one({ type: "right" });
  if (key.home) return one({ type: "home" });
  if (key.end) return one({ type: "end" });
  if (key.backspace || key.delete) return one({ type: "backspace" });
  // Held or fast Backspace (tmux, SSH) can arrive as one read of several DEL bytes.
  if (/^[\x7f\b]+$/.test(char)) {
    for (let i = 0; i < char.length; i++) ctx.edit({ type: "backspace" });
    return true;
  }
  if (key.ctrl || key.meta || key.return || key.tab) return false;
  if (!char) return false;
  return one({ type: "insert", text: char });
}
