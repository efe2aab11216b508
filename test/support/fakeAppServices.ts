import type { ChatSession, ChatTarget } from "../../src/app/chats/session.ts";
import type { CardDetail } from "../../src/app/library.ts";
import { TrashedCardNotFoundError, type CardSummary, type TrashedCard } from "../../src/app/library.ts";
import type { ChatIndexEntry } from "../../src/app/chats/chats.ts";
import type { ChatMessage } from "../../src/core/chat/types.ts";
import type { Lorebook } from "../../src/core/lorebook/model.ts";
import { LorebookNotFoundError, ReadOnlyLorebookError, tryLorebookText, type LorebookSource } from "../../src/app/lore.ts";
import type { ModelService } from "../../src/app/models.ts";
import { createBackendService } from "../../src/app/backends.ts";
import type { BookShelf, CardShelf, TuiApp } from "../../src/ui/app/tuiApp.ts";
import { scriptedSession } from "./fakeServices.ts";
import { fakeModelServices } from "./fakeModelServices.ts";

/** The external editor where a test has none: it says so. */
export const noEditor = async (): Promise<string> => {
  throw new Error("no external editor in this test");
};

/** In-memory lorebooks; `saved` records every book saved, as saved. */
export function fakeLorebookServices(books: Array<{ book: Lorebook; source: LorebookSource; characters?: string[] }> = []) {
  const shelf = books.map((b) => ({ ...b, book: structuredClone(b.book) }));
  const saved: Array<{ book: Lorebook; asCopy: boolean }> = [];
  const find = (name: string) => shelf.find((b) => b.book.name.toLowerCase() === name.toLowerCase());
  const services: BookShelf = {
    list: async () => shelf.map((b) => ({ name: b.book.name, entries: b.book.entries.length, source: b.source, characters: b.characters ?? [] })),
    async open(name) {
      const found = find(name);
      if (!found) throw new LorebookNotFoundError(name);
      return { book: structuredClone(found.book), source: found.source };
    },
    async importFile(path) {
      throw new Error(`${path}: (file): not found`);
    },
    async save(book, { source, asCopy }) {
      if (source === "sample" && !asCopy) throw new ReadOnlyLorebookError(book.name);
      saved.push({ book: structuredClone(book), asCopy: asCopy ?? false });
      const found = find(book.name);
      if (found && found.source === "user") found.book = structuredClone(book);
      else shelf.unshift({ book: structuredClone(book), source: "user" });
    },
    async openCardBook(cardId) {
      throw new LorebookNotFoundError(cardId);
    },
    async saveCardBook(cardId) {
      throw new LorebookNotFoundError(cardId);
    },
    tryText: (book, text) => tryLorebookText(book, text),
  };
  return { services, saved };
}

export function card(id: string, name: string, tags: string[] = [], bundled = false): CardSummary {
  return { id, name, path: `/lib/${id}.png`, format: "png", spec: "v2", tags, creator: "", description: `${name} is here.`, firstMes: `Hello from ${name}.`, hasBook: false, bundled, mtimeMs: 0, size: 1 };
}

export function chatEntry(id: string, characterId: string, characterName: string, updatedAt: string, messageCount = 2): ChatIndexEntry {
  return { id, title: `${characterName} chat ${id}`, characterId, characterName, messageCount, createdAt: updatedAt, updatedAt };
}

const greeting = (name: string): ChatMessage => ({ id: `g-${name}`, role: "assistant", name, swipes: [{ text: `Hello from ${name}.`, sentAt: "" }], swipeIndex: 0 });

/** In-memory card services over summaries: each card's greeting is its firstMes, no alternates; `trashed` starts the trash. */
export function fakeCardServices(characters: CardSummary[], trashed: Array<TrashedCard & { card: CardSummary }> = []): CardShelf {
  const detail = (c: CardSummary): CardDetail => ({
    id: c.id, name: c.name, path: c.path, format: c.format, bundled: c.bundled, hasBook: c.hasBook,
    fields: { name: c.name, description: c.description, personality: "", scenario: "", first_mes: c.firstMes, alternate_greetings: "", mes_example: "", system_prompt: "", post_history_instructions: "", creator_notes: "", tags: c.tags.join(", ") },
    greetings: [c.firstMes], alternateGreetings: 0,
  });
  const find = (id: string) => {
    const c = characters.find((x) => x.id === id);
    if (!c) throw new Error(`no character ${id}`);
    return c;
  };
  return {
    list: async () => ({ cards: characters, problems: [] }),
    load: async (id) => detail(find(id)),
    importFile: async (path) => {
      throw new Error(`${path}: cannot be read (ENOENT)`);
    },
    copyToLibrary: async (id) => ({ status: "duplicate", id, name: find(id).name, source: find(id).path, warnings: [] }),
    save: async (id) => detail(find(id)),
    remove: async (id) => {
      const c = find(id);
      characters.splice(characters.indexOf(c), 1);
      const gone = { id: c.id, name: c.name, format: c.format, path: `/lib/.trash/${c.id}`, file: `${c.id}.png`, deletedAt: new Date().toISOString() };
      trashed.unshift({ ...gone, card: c });
      return gone;
    },
    trash: async () => trashed.map(({ card: _c, ...t }) => t),
    restore: async (id) => {
      const t = trashed.find((x) => x.id === id || x.name.toLowerCase() === id.toLowerCase());
      if (!t) throw new TrashedCardNotFoundError(id);
      trashed.splice(trashed.indexOf(t), 1);
      characters.push(t.card);
      return { id: t.id, name: t.name, path: t.card.path };
    },
  };
}

/** In-memory app services; `opened` records every chat the app asked for, `sessions` the sessions it got. */
export function fakeAppServices(chats: ChatIndexEntry[], characters: CardSummary[], options: { lorebooks?: BookShelf; models?: ModelService; trashed?: CardSummary[] } = {}) {
  const lorebooks = options.lorebooks ?? fakeLorebookServices().services;
  const models = options.models ?? fakeModelServices().services;
  const opened: ChatTarget[] = [];
  const sessions: ChatSession[] = [];
  const services: TuiApp = {
    library: fakeCardServices(characters, (options.trashed ?? []).map((c) => ({ id: c.id, name: c.name, format: c.format, path: `/lib/.trash/${c.id}`, file: `${c.id}.png`, deletedAt: "2026-11-30T00:00:00.000Z", card: c }))),
    chats: {
      list: async () => chats,
      async open(target): Promise<ChatSession> {
        opened.push(target);
        const who = characters.find((c) => c.id === target.characterId)?.name ?? target.characterId ?? "Someone";
        // Like the real chat: a send while the model loads waits for it (and fails with its reason).
        const scripted = scriptedSession([["Hi."]], { characterName: who, messages: [greeting(who)], models }).session;
        const session: ChatSession = {
          ...scripted,
          characterId: target.characterId ?? scripted.characterId,
          branch: async (index) => ({ characterId: target.characterId, chatId: `branch-${index}-of-${target.chatId ?? "new"}` }),
        };
        sessions.push(session);
        return session;
      },
    },
    lore: lorebooks,
    models,
    backends: createBackendService(),
  };
  return { services, opened, sessions };
}
