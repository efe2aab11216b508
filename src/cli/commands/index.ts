import type { CommandEntry } from "../command.ts";
import * as help from "./help.ts";

/**
 * Every subcommand, in the order `taproom --help` lists them. A command's module (and
 * what it needs: Ink for the app, llama.cpp, the downloader) is imported only when that
 * command runs, so `--version`, `--help` and each headless command load only their own.
 */
export const commands: CommandEntry[] = [
  { ...help.tuiHelp, load: async () => (await import("./tuiCommand.ts")).tuiCommand },
  { ...help.chatHelp, load: async () => (await import("./chatCommand.ts")).chatCommand },
  { ...help.promptHelp, load: async () => (await import("./promptCommand.ts")).promptCommand },
  { ...help.cardHelp, load: async () => (await import("./cardCommand.ts")).cardCommand },
  { ...help.chatsHelp, load: async () => (await import("./chatsCommand.ts")).chatsCommand },
  { ...help.groupHelp, load: async () => (await import("./groupCommand.ts")).groupCommand },
  { ...help.presetHelp, load: async () => (await import("./presetCommand.ts")).presetCommand },
  { ...help.personaHelp, load: async () => (await import("./personaCommand.ts")).personaCommand },
  { ...help.loreHelp, load: async () => (await import("./loreCommand.ts")).loreCommand },
  { ...help.regexHelp, load: async () => (await import("./regexCommand.ts")).regexCommand },
  { ...help.summaryHelp, load: async () => (await import("./summaryCommand.ts")).summaryCommand },
  { ...help.fitHelp, load: async () => (await import("./fitCommand.ts")).fitCommand },
  { ...help.planHelp, load: async () => (await import("./planCommand.ts")).planCommand },
  { ...help.modelsHelp, load: async () => (await import("./modelsCommand.ts")).modelsCommand },
  { ...help.pullHelp, load: async () => (await import("./pullCommand.ts")).pullCommand },
  { ...help.serveHelp, load: async () => (await import("./serveCommand.ts")).serveCommand },
];
