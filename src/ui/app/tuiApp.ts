/** What the interactive app uses of src/app: each screen names the part it calls. */
import type { ChatsService } from "../../app/chats/chats.ts";
import type { LibraryService } from "../../app/library.ts";
import type { LoreService } from "../../app/lore.ts";
import type { ModelService } from "../../app/models.ts";

/** The card library as the Characters screen uses it: browse, import, edit, trash. */
export type CardShelf = Pick<LibraryService, "list" | "load" | "importFile" | "copyToLibrary" | "save" | "remove" | "trash" | "restore">;

/** The lorebooks as the lorebook screens use them: browse, import, edit, try. */
export type BookShelf = Pick<LoreService, "list" | "open" | "importFile" | "save" | "openCardBook" | "saveCardBook" | "tryText">;

/** Recent chats, and opening one as a session. */
export type ChatShelf = Pick<ChatsService, "list" | "open">;

export interface TuiApp {
  library: CardShelf;
  chats: ChatShelf;
  lore: BookShelf;
  models: ModelService;
}
