import type { ChatSession, ChatTarget } from "../../app/chats/session.ts";
import type { ChatScreenAction, ChatScreenState } from "./chatScreenState.ts";

export interface MessageActionDeps {
  session: Pick<ChatSession, "branch">;
  /** Opens text in $VISUAL/$EDITOR and returns it as saved there. */
  editExternally(text: string): Promise<string>;
  onOpenChat?(target: ChatTarget, notice?: string): void;
  state: { readonly current: ChatScreenState };
  dispatch(action: ChatScreenAction): void;
  /** Rewrites a message's shown text through the chat session. */
  editAt(index: number, text: string): void;
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
  const { session, state, dispatch } = deps;
  const notify = (message: string) => dispatch({ type: "notice", message });
  const messageText = (index: number) => {
    const m = state.current.messages[index];
    return m ? (m.swipes[m.swipeIndex]?.text ?? "") : "";
  };
  return {
    startEdit(index) {
      if (state.current.input.text !== "") return notify("Empty the input first: the message's text goes there");
      dispatch({ type: "set", patch: { editing: index } });
      dispatch({ type: "input", action: { type: "set", text: messageText(index) } });
      notify(`Editing message ${index + 1}: Enter saves, Ctrl+E cancels`);
    },
    editOutside(index) {
      const before = messageText(index);
      deps
        .editExternally(before)
        .then((after) => {
          // The editor drew over the terminal: print the chat again either way.
          dispatch({ type: "reprint" });
          if (after === before) notify("Unchanged");
          else deps.editAt(index, after);
        })
        .catch((error: Error) => {
          dispatch({ type: "reprint" });
          notify(`Edit failed: ${error.message}`);
        });
    },
    askDelete(index) {
      const m = state.current.messages[index];
      if (!m) return;
      dispatch({ type: "set", patch: { confirmDelete: index } });
      const preview = (m.swipes[m.swipeIndex]?.text ?? "").replace(/\s+/g, " ").slice(0, 30);
      notify(`Delete message ${index + 1} (${m.name}: ${preview}${preview.length === 30 ? "…" : ""})? y/n`);
    },
    branchAt(index) {
      if (deps.busy()) return notify("A reply is being written: Ctrl+C stops it first");
      if (!state.current.messages[index]) return notify("Nothing to branch from: the chat is empty");
      if (!deps.onOpenChat) return notify("Branching needs the full app (start taproom without --character to switch chats)");
      const open = deps.onOpenChat;
      notify("Branching…");
      session
        .branch(index)
        .then((target) => open(target, `A branch from message ${index + 1}; the original chat is kept (Ctrl+O lists both)`))
        .catch((error: Error) => notify(`Branch failed: ${error.message}`));
    },
  };
}
