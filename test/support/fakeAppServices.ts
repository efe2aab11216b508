import type { AppServices, ChatTarget, OpenedChat } from "../../src/ui/app/appServices.ts";
import type { CardSummary } from "../../src/store/cards/library.ts";
import type { ChatIndexEntry } from "../../src/store/chats/chatStore.ts";
import type { ChatMessage } from "../../src/core/chat/types.ts";
import { scriptedServices, testSamplers } from "./fakeServices.ts";
import { fakeModelServices } from "./fakeModelServices.ts";
import type { ModelServices } from "../../src/ui/app/modelServices.ts";

export function card(id: string, name: string, tags: string[] = [], bundled = false): CardSummary {
  return { id, name, path: `/lib/${id}.png`, format: "png", spec: "v2", tags, creator: "", description: `${name} is here.`, firstMes: `Hello from ${name}.`, hasBook: false, bundled, hash: id, mtimeMs: 0, size: 1 };
}

export function chatEntry(id: string, characterId: string, characterName: string, updatedAt: string, messageCount = 2): ChatIndexEntry {
  return { id, title: `${characterName} chat ${id}`, characterId, characterName, messageCount, createdAt: updatedAt, updatedAt };
}

const greeting = (name: string): ChatMessage => ({ id: `g-${name}`, role: "assistant", name, swipes: [{ text: `Hello from ${name}.`, sentAt: "" }], swipeIndex: 0 });

/** In-memory app services; `opened` records every chat the app asked for. */
export function fakeAppServices(chats: ChatIndexEntry[], characters: CardSummary[], models: ModelServices = fakeModelServices()) {
  const opened: ChatTarget[] = [];
  const services: AppServices = {
    recentChats: async () => chats,
    characters: async () => characters,
    modelLine: () => "tiny.gguf · cpu",
    models,
    async openChat(target): Promise<OpenedChat> {
      opened.push(target);
      const who = characters.find((c) => c.id === target.characterId)?.name ?? target.characterId;
      return {
        chatId: target.chatId ?? `new-${opened.length}`,
        chatTitle: `${who} chat`,
        characterId: target.characterId,
        characterName: who,
        personaName: "You",
        initialMessages: [greeting(who)],
        samplers: testSamplers,
        notice: null,
        services: scriptedServices([["Hi."]]).services,
      };
    },
  };
  return { services, opened };
}
