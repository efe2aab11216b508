import type { ChatServices } from "../app/services.ts";
import type { ChatTarget } from "../app/appServices.ts";
import type { InputAction } from "../input/inputReducer.ts";
import type { ChatSessionAction, ChatSessionState } from "./chatSession.ts";

export interface MessageActionDeps {
  services: Pick<ChatServices, "editExternally" | "branch" | "saveMessages">;
  onOpenChat?(target: ChatTarget, notice?: string): void;
  session: { readonly current: ChatSessionState };
  inputText: { readonly current: string };
  dispatch(action: ChatSessionAction): void;
  dispatchInput(action: InputAction): void;
  setEditing(index: number | null): void;
  setConfirmDelete(index: number | null): void;
  busy(): boolean;
}

export interface MessageActions {
  /** Puts the message's text in the input to be edited there. */
  startEdit(index: number): void;
  /** Edits the message in $EDITOR. */
  editOutside(index: number): void;
  /** Asks y/n before the message is deleted. */
  askDelete(index: number): void;
  /** A new chat up to this message, opened at once. */
  branchAt(index: number): void;
}

/** What can be done to any one message of the chat (select mode, Ctrl+E, Alt+E, Ctrl+D, /branch). */
export function messageActions(deps: MessageActionDeps): MessageActions {
  const { services, session, dispatch } = deps;
  const notify = (message: string) => dispatch({ type: "notice", message });
  const messageText = (index: number) => {
    const m = session.current.messages[index];
    return m ? (m.swipes[m.swipeIndex]?.text ?? "") : "";
  };
  return {
    startEdit(index) {
      if (deps.inputText.current !== "") return notify("Empty the input first: the message's text goes there");
      deps.setEditing(index);
      deps.dispatchInput({ type: "set", text: messageText(index) });
      notify(`Editing message ${index + 1}: Enter saves, Ctrl+E cancels`);
    },
    editOutside(index) {
      if (!services.editExternally) return notify("No external editor here");
      const before = messageText(index);
      services
        .editExternally(before)
        .then((after) => {
          // The editor drew over the terminal: print the chat again either way.
          dispatch({ type: "reprint" });
          if (after === before) notify("Unchanged");
          else dispatch({ type: "editAt", index, text: after });
        })
        .catch((error: Error) => {
          dispatch({ type: "reprint" });
          notify(`Edit failed: ${error.message}`);
        });
    },
    askDelete(index) {
      const m = session.current.messages[index];
      if (!m) return;
      deps.setConfirmDelete(index);
      const preview = (m.swipes[m.swipeIndex]?.text ?? "").replace(/\s+/g, " ").slice(0, 30);
      notify(`Delete message ${index + 1} (${m.name}: ${preview}${preview.length === 30 ? "…" : ""})? y/n`);
    },
    branchAt(index) {
      const current = session.current;
      if (deps.busy()) return notify("A reply is being written: Ctrl+C stops it first");
      if (!current.messages[index]) return notify("Nothing to branch from: the chat is empty");
      if (!services.branch || !deps.onOpenChat) return notify("Branching needs a saved chat");
      const open = deps.onOpenChat;
      // The branch is made from the saved chat: save what the screen shows first.
      services.saveMessages?.(current.messages);
      notify("Branching…");
      services
        .branch(index)
        .then((target) => open(target, `A branch from message ${index + 1}; the original chat is kept (Ctrl+O lists both)`))
        .catch((error: Error) => notify(`Branch failed: ${error.message}`));
    },
  };
}
