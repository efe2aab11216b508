import React from "react";
import { render } from "ink-testing-library";
import { ChatScreen, type ChatScreenProps } from "../../src/ui/chat/ChatScreen.tsx";
import { PrintLogProvider } from "../../src/ui/app/PrintLog.tsx";
import type { ChatSession } from "../../src/app/chats/session.ts";
import type { ChatMessage } from "../../src/core/chat/types.ts";
import { fakeModelServices } from "./fakeModelServices.ts";
import { noEditor } from "./fakeAppServices.ts";

/** The chat screen on a session, 80x24 without colour, a tiny model loaded; `quits` records each quit's messages. */
export function mountChat(session: ChatSession, props: Partial<ChatScreenProps> = {}) {
  const quits: ChatMessage[][] = [];
  const app = render(
    <PrintLogProvider>
      <ChatScreen session={session} models={fakeModelServices().services} editExternally={noEditor} color={false} rows={24} flushMs={10} onQuit={(m) => quits.push(m)} {...props} />
    </PrintLogProvider>,
  );
  return { ...app, quits };
}
