import { useCallback, useEffect, useRef } from "react";
import type { SamplerPreset } from "../../core/samplers/presets.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { displayText } from "../../core/text/sanitize.ts";
import type { ChatSession } from "../../app/chats/session.ts";
import type { ModelService } from "../../app/models.ts";
import { completeCommand, runSlashCommand, slashCommands } from "../commands/index.ts";
import { CommandArgumentError, type CharacterChoice, type CommandContext } from "../commands/command.ts";
import { describePlan } from "../models/modelLines.ts";

/** What the chat screen lends its slash commands. */
export interface ChatCommandDeps {
  session: ChatSession;
  models: Pick<ModelService, "library" | "load">;
  characters?: CharacterChoice[];
  onOpenCharacter?(characterId: string): void;
  notify(message: string): void;
  setSamplers(change: Partial<SamplerSettings>): void;
  swipe(): void;
  continueReply(): void;
  impersonate(): void;
  setPersona(name: string): void;
  branch(): void;
  presets(): SamplerPreset[];
  choosePreset(name: string): void;
  /** A reply is being written. */
  replying(): boolean;
  /** A group chat: the member replies now. */
  speak(member: string): void;
  /** The card's scripts were allowed or declined: what messages show changes. */
  scriptsChanged?(): void;
}

export interface ChatCommands {
  run(line: string): void;
  completions(line: string): string[];
  /** A /model load is under way. */
  loadingModel(): boolean;
}

/**
 * The chat screen's slash commands: their context, /model's library (read only once
 * /model is being typed, not for every chat opened) and the model being loaded.
 */
export function useChatCommands(deps: ChatCommandDeps, inputText: string): ChatCommands {
  const { session, models } = deps;
  const libraryRef = useRef<Array<{ name: string; path: string }> | null>(null);
  const libraryRead = useRef<Promise<unknown>>(Promise.resolve());
  const loadingModelRef = useRef(false);
  const libraryAsked = useRef(false);
  const readLibrary = useCallback(() => {
    libraryAsked.current = true;
    libraryRead.current = models.library().then(
      (found) => void (libraryRef.current = found.filter((m) => !m.error).map((m) => ({ name: m.name, path: m.paths[0]! }))),
      () => void (libraryRef.current ??= []),
    );
  }, [models]);
  useEffect(() => {
    if (!libraryAsked.current && inputText.startsWith("/m")) readLibrary();
  }, [inputText, readLibrary]);

  const { notify } = deps;
  const busy = () => deps.replying() || loadingModelRef.current;
  const context: CommandContext = {
    setSamplers: deps.setSamplers,
    notify,
    swipe: deps.swipe,
    continueReply: deps.continueReply,
    impersonate: deps.impersonate,
    setPersona: deps.setPersona,
    personaNames: () => session.personas(),
    branch: deps.branch,
    exportChat: (path) => {
      session
        .exportTo(path ?? undefined)
        .then((file) => notify(`Exported to ${file}`))
        .catch((error: Error) => notify(`Export failed: ${error.message}`));
    },
    setAuthorsNote: (text) => session.setAuthorsNote(text),
    presets: deps.presets,
    choosePreset: deps.choosePreset,
    listCommands: () => slashCommands,
    characters: () => deps.characters ?? [],
    openCharacter: (characterId) => {
      if (busy()) throw new CommandArgumentError("/char: a reply is being written: Ctrl+C stops it first");
      if (!deps.onOpenCharacter) throw new CommandArgumentError("/char needs the full app (start taproom without --character to switch)");
      deps.onOpenCharacter(characterId);
    },
    lorebooks: () => session.lorebooks(),
    setLorebooks: (names) => {
      session
        .setLorebooks(names)
        .then((problems) => problems.length && notify(problems.join("; ")))
        .catch((error: Error) => notify(`Could not change the lorebooks: ${error.message}`));
    },
    template: () => session.instructTemplate(),
    setTemplate: (name) => session.setInstructTemplate(name),
    setNames: (names) => session.setNamesInPrompt(names),
    members: () => session.group?.info().members.filter((m) => !m.missing).map((m) => ({ name: m.name, muted: m.muted })) ?? null,
    speak: deps.speak,
    summary: () => session.summary().text,
    setSummary: (text) => {
      if (busy()) throw new CommandArgumentError("/summary: a reply is being written: Ctrl+C stops it first");
      session.setSummary(text);
    },
    summarize: () => {
      if (busy()) throw new CommandArgumentError("/summarize: a reply is being written: Ctrl+C stops it first");
      notify("Writing the summary…");
      session
        .summarize()
        .then((outcome) => notify(outcome.written ? `Summary: ${outcome.text}` : `No summary written: ${outcome.text}`))
        .catch((error: Error) => notify(`No summary written: ${error.message}`));
    },
    cardScripts: () => ({ count: session.roleplay().cardScriptCount, state: session.roleplay().cardScripts }),
    answerCardScripts: (allow) => {
      session
        .allowCardScripts(allow)
        .then(() => {
          deps.scriptsChanged?.();
          notify(allow ? "The card's regex scripts run from now on" : "The card's regex scripts stay off");
        })
        .catch((error: Error) => notify(`Could not save the answer: ${error.message}`));
    },
    modelNames: () => (libraryRef.current ?? []).map((m) => m.name),
    loadModel: (name) => {
      const path = libraryRef.current?.find((m) => m.name === name)?.path;
      if (!path) throw new CommandArgumentError(`/model: ${name} is not in the library`);
      if (busy()) throw new CommandArgumentError("/model: wait for the reply (Ctrl+C stops it) or the model being loaded");
      loadingModelRef.current = true;
      notify(`Loading ${displayText(name)}…`);
      models
        .load(path)
        .then(
          (model) => notify(displayText(`Loaded ${model.name}: ${describePlan(model)}${model.reasons.length ? `. ${model.reasons.join("; ")}` : ""}`)),
          (error: Error) => notify(displayText(`Could not load ${name}: ${error.message.split("\n")[0]}`)),
        )
        .finally(() => {
          loadingModelRef.current = false;
          readLibrary();
        });
    },
  };
  // Key handlers may hold an older render's commands: they run the latest context.
  const contextRef = useRef(context);
  contextRef.current = context;

  return {
    run: (line) => {
      if (line.startsWith("/model") && libraryRef.current === null) {
        if (!libraryAsked.current) readLibrary();
        // The library is still being read (the first scan detects the machine): run it once it is.
        notify("Reading the model library…");
        return void libraryRead.current.then(() => runSlashCommand(line, contextRef.current));
      }
      runSlashCommand(line, contextRef.current);
    },
    completions: (line) => completeCommand(line, slashCommands, contextRef.current),
    loadingModel: () => loadingModelRef.current,
  };
}
