/** What the interactive app uses of src/app: each screen names the part it calls. */
import type { ChatsService } from "../../app/chats/chats.ts";
import type { LibraryService } from "../../app/library.ts";
import type { LoreService } from "../../app/lore.ts";
import type { ModelService } from "../../app/models.ts";
import type { GroupsService } from "../../app/groups/groups.ts";
import type { BackendService } from "../../app/backends.ts";

/** The card library as the Characters screen uses it: browse, import, edit, trash. */
export type CardShelf = Pick<LibraryService, "list" | "load" | "importFile" | "copyToLibrary" | "save" | "remove" | "trash" | "restore">;

/** The lorebooks as the lorebook screens use them: browse, import, edit, try. */
export type BookShelf = Pick<LoreService, "list" | "open" | "importFile" | "save" | "openCardBook" | "saveCardBook" | "tryText">;

/** Recent chats, and opening one as a session. */
export type ChatShelf = Pick<ChatsService, "list" | "open">;

/** The remote server as the model screen uses it: connect (remembered for next time), disconnect. */
export type ServerLink = Pick<BackendService, "connect" | "current" | "connecting" | "disconnect" | "subscribe">;

export interface TuiApp {
  library: CardShelf;
  chats: ChatShelf;
  lore: BookShelf;
  models: ModelService;
  /** The server turns go to instead of the embedded model, connected from the model screen. */
  backends: ServerLink;
  /** The groups, listed, made and deleted on the home screen (their chats open through `chats`). */
  groups?: Pick<GroupsService, "list" | "create" | "remove">;
}
