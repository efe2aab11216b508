import React, { useCallback, useEffect, useRef } from "react";
import { useLiveState } from "../hooks/useLiveState.ts";
import { Box, Text, useInput } from "ink";
import { displayText } from "../../core/text/sanitize.ts";
import type { Flash } from "../app/flash.ts";
import type { LibraryModel, MachineFacts, ModelDownloadProgress, ModelService, PullPreview } from "../../app/models.ts";
import { moveSelection } from "../components/listWindow.ts";
import { editAtEnd } from "../input/editAtEnd.ts";
import { SelectList } from "../components/SelectList.tsx";
import { useModelLoading } from "../app/useModelLoading.ts";
import { downloadLine, libraryDetail, libraryRow, loadedLine, loadingLine, machineLine, planExplanation, serverLine, wrapText } from "./modelLines.ts";
import { newServerForm, serverFormKey, serverFormLines, type ServerForm } from "./serverForm.ts";
import type { ServerLink } from "../app/tuiApp.ts";
import type { RemoteBackendOptions } from "../../app/backends.ts";

export interface ModelsScreenProps {
  services: ModelService;
  /** The remote server: s connects one (turns go there), u disconnects it. */
  backends: ServerLink;
  color: boolean;
  rows: number;
  columns: number;
  /** Shown until the first action (a model that failed to load at start...). */
  notice?: string | null;
  /** A line that arrives while the screen is open (the start-up load's outcome); shown when it changes. */
  flash?: Flash | null;
  onBack(): void;
  onQuit(): void;
}

/** What the screen is doing besides showing the list. */
type Mode =
  | { name: "list" }
  | { name: "loading"; model: string; fraction: number }
  | { name: "address"; text: string }
  | { name: "server"; form: ServerForm }
  | { name: "connecting"; form: ServerForm }
  | { name: "planning"; uri: string }
  | { name: "confirm"; preview: PullPreview }
  | { name: "downloading"; preview: PullPreview; progress: ModelDownloadProgress | null };

type Message = { text: string[]; error: boolean } | null;

/** The screen's whole state, one object: key handlers read it as the keys before them left it. */
interface ModelsState {
  machine: MachineFacts | null;
  models: LibraryModel[] | null;
  folders: string[];
  scanError: string | null;
  selected: number;
  mode: Mode;
  message: Message;
  /** Bumped when a model loads or unloads: the list marks the loaded one. */
  loadedVersion: number;
  quitArmed: boolean;
}

const ADDRESS = "hf:USER/REPO[:QUANT]";

/** The model library for this machine: load, unload, download. Esc goes back. */
export function ModelsScreen(props: ModelsScreenProps) {
  const { services, color } = props;
  const [state, get, set] = useLiveState<ModelsState>(() => ({
    machine: null, models: null, folders: [], scanError: null, selected: 0, mode: { name: "list" },
    message: props.notice ? { text: [displayText(props.notice)], error: false } : null, loadedVersion: 0, quitArmed: false,
  }));
  const { machine, models, folders, scanError, selected, mode, message } = state;
  const setMode = (next: Mode) => set({ mode: next });
  const setMessage = (next: Message) => set({ message: next });
  const bumpLoaded = () => set((s) => ({ loadedVersion: s.loadedVersion + 1 }));
  const loading = useModelLoading(props.services);
  useEffect(() => {
    if (props.flash) set({ message: { text: [displayText(props.flash.text)], error: false } });
  }, [props.flash, set]);
  const abortRef = useRef<AbortController | null>(null);
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  const rescan = useCallback(
    async (select?: string) => {
      try {
        const [found, where] = await Promise.all([services.library(), services.folders()]);
        if (!live.current) return;
        const index = select ? found.findIndex((m) => m.paths[0] === select) : -1;
        set((s) => ({ models: found, folders: where, scanError: null, selected: index >= 0 ? index : Math.min(s.selected, Math.max(0, found.length - 1)) }));
      } catch (error) {
        if (live.current) set({ scanError: (error as Error).message });
      }
    },
    [services, set],
  );

  // Free VRAM changes as models load and unload: read again after each.
  const readMachine = useCallback(() => {
    services.machine().then(
      (m) => live.current && set({ machine: m }),
      (error: Error) => live.current && set({ scanError: error.message }),
    );
  }, [services, set]);

  useEffect(() => {
    readMachine();
    void rescan();
  }, [readMachine, rescan]);
  // A server connected or dropped elsewhere (the one remembered from last time, at start) shows at once.
  useEffect(() => props.backends.subscribe(bumpLoaded), [props.backends]);

  const say = (text: string | string[], error = false) => setMessage({ text: (Array.isArray(text) ? text : [text]).map(displayText), error });

  const load = (model: LibraryModel) => {
    if (model.error) return say(`Cannot load ${model.name}: ${model.error}`, true);
    setMode({ name: "loading", model: model.name, fraction: 0 });
    setMessage(null);
    services
      .load(model.paths[0]!, (fraction) => {
        const m = get().mode;
        if (live.current && m.name === "loading") setMode({ ...m, fraction });
      })
      .then(
        (loaded) => live.current && say(planExplanation(loaded)),
        (error: Error) => live.current && say(`Could not load ${model.name}: ${error.message.split("\n")[0]}`, true),
      )
      .finally(() => {
        if (!live.current) return;
        setMode({ name: "list" });
        bumpLoaded();
        readMachine();
      });
  };

  const connect = (form: ServerForm, backend: RemoteBackendOptions) => {
    setMode({ name: "connecting", form });
    setMessage(null);
    props.backends.connect(backend, { remember: true }).then(
      (remote) => {
        if (!live.current) return;
        setMode({ name: "list" });
        say([`Connected: ${remote.notes[0] ?? remote.name}. Chats now go to this server (u disconnects).`, ...remote.notes.slice(1)]);
        readMachine();
      },
      (error: Error) => {
        const m = get().mode;
        if (!live.current || m.name !== "connecting") return;
        setMode({ name: "server", form: { ...m.form, problem: `Could not connect: ${error.message.split("\n")[0]}` } });
      },
    );
  };

  const disconnect = () => {
    const remote = props.backends.current();
    void props.backends.disconnect({ forget: true }).then(
      () => live.current && say(`Disconnected from ${remote?.url ?? "the server"}: chats use the model loaded here (Enter loads one)`),
      (error: Error) => live.current && say(`Disconnected, but the setting was not saved: ${error.message.split("\n")[0]}`, true),
    );
  };

  const unload = () => {
    if (props.backends.current()) return disconnect();
    const current = services.current();
    if (!current) return say("No model is loaded");
    void services.unload().then(() => {
      if (!live.current) return;
      say(`Unloaded ${current.name}`);
      bumpLoaded();
      readMachine();
    });
  };

  const lookUp = (uri: string) => {
    const controller = new AbortController();
    abortRef.current = controller;
    setMode({ name: "planning", uri });
    setMessage(null);
    services.previewPull(uri, controller.signal).then(
      (preview) => {
        if (!live.current || controller.signal.aborted) return;
        setMode({ name: "confirm", preview });
      },
      (error: Error) => {
        if (!live.current || controller.signal.aborted) return;
        setMode({ name: "list" });
        say(`${uri}: ${error.message.split("\n")[0]}`, true);
      },
    );
  };

  const download = (preview: PullPreview) => {
    const controller = new AbortController();
    abortRef.current = controller;
    setMode({ name: "downloading", preview, progress: null });
    services
      .download(preview, controller.signal, (progress) => {
        const m = get().mode;
        if (live.current && m.name === "downloading") setMode({ ...m, progress });
      })
      .then(
        (path) => {
          if (!live.current) return;
          say(`Downloaded ${path}: Enter loads it`);
          void rescan(path);
        },
        (error: Error) => {
          if (!live.current) return;
          if (error.name === "DownloadCancelledError") say(`Download cancelled: the partial file is kept, and d with ${preview.uri} resumes it`);
          else say(`Download failed: ${error.message.split("\n")[0]}`, true);
        },
      )
      .finally(() => {
        abortRef.current = null;
        if (live.current) setMode({ name: "list" });
      });
  };

  const cancel = () => {
    abortRef.current?.abort();
    abortRef.current = null;
    const m = get().mode;
    // A running download ends through its own rejection, which says what was kept.
    if (m.name !== "downloading") setMode({ name: "list" });
  };

  useInput((char, key) => {
    const current = get();
    const m = current.mode;
    const ctrlC = key.ctrl && char === "c";
    if (m.name === "downloading" || m.name === "planning") {
      if (key.escape || ctrlC) cancel();
      return;
    }
    if (m.name === "loading") return;
    if (m.name === "connecting") {
      // Given up: the connection under way is dropped, the form comes back as it was.
      if (key.escape || ctrlC) void props.backends.disconnect().then(() => live.current && setMode({ name: "server", form: m.form }));
      return;
    }
    if (m.name === "server") {
      const step = serverFormKey(m.form, char, key, (text) => editAtEnd(text, char, key));
      if ("cancel" in step) return setMode({ name: "list" });
      if ("connect" in step) return connect(m.form, step.connect);
      if (step.form !== m.form) setMode({ name: "server", form: step.form });
      return;
    }
    if (m.name === "address") {
      if (key.escape || ctrlC) return setMode({ name: "list" });
      if (key.return) {
        // The prompt starts with "hf:": a pasted address brings its own.
        const uri = m.text.trim().replace(/^hf:\s*(hf:)/i, "$1");
        return uri && uri !== "hf:" ? lookUp(uri) : setMode({ name: "list" });
      }
      const text = editAtEnd(m.text, char, key);
      if (text !== m.text) setMode({ ...m, text });
      return;
    }
    if (m.name === "confirm") {
      if (key.return) {
        if (!m.preview.model) return;
        return download(m.preview);
      }
      if (key.escape || ctrlC) return setMode({ name: "list" });
      return;
    }
    if (ctrlC) {
      if (current.quitArmed) return props.onQuit();
      set({ quitArmed: true });
      return say("Press Ctrl+C again to quit");
    }
    if (current.quitArmed) set({ quitArmed: false });
    const models = current.models;
    const count = models?.length ?? 0;
    const move = (delta: number) => set((s) => ({ selected: moveSelection(count, s.selected, delta) }));
    if (key.escape) return props.onBack();
    if (key.upArrow) return move(-1);
    if (key.downArrow) return move(1);
    if (key.pageUp) return move(-10);
    if (key.pageDown) return move(10);
    const model = models?.[current.selected];
    if (key.return && model) return load(model);
    if (char === "u") return unload();
    if (char === "d") return setMode({ name: "address", text: "hf:" });
    if (char === "s") return setMode({ name: "server", form: newServerForm(props.backends.current()) });
    if (char === "r") {
      say("Scanning the folders…");
      return void rescan().then(() => live.current && setMessage(null));
    }
  });

  const width = Math.max(20, props.columns - 2);
  const current = services.current();
  const remote = props.backends.current();
  const messageLines = message ? message.text.flatMap((t) => wrapText(displayText(t), width, 3)).slice(0, 5) : [];
  const panel = modePanel(mode, width);
  const selectedModel = models?.[selected];
  const detail = mode.name === "list" && selectedModel ? wrapText(libraryDetail(selectedModel), width, 2) : [];
  // Title, machine, loaded, list header, footer, and what the message, panel and detail take.
  const listRows = Math.max(3, props.rows - 6 - messageLines.length - panel.length - detail.length);
  const hint =
    current === null && remote === null && mode.name === "list"
      ? [`Pick a model and press Enter, press d to download ${ADDRESS}, s to chat through a server, or start taproom with --model FILE.gguf. Esc goes home.`]
      : [];
  const hintLines = hint.flatMap((t) => wrapText(t, width, 2));
  const items = (models ?? []).map((m) => {
    const row = libraryRow(m, current !== null && m.paths[0] === current.path);
    return { key: m.paths[0]!, ...row };
  });
  const where = folders[0] ? displayText(folders.join(", ")) : "the models folder";
  const footer = footerFor(mode);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold color={color ? "magenta" : undefined}>Models</Text>
        <Text dimColor>{` · ${where}`}</Text>
      </Text>
      <Text wrap="truncate-end">{machine ? machineLine(machine) : "Machine: detecting…"}</Text>
      <Text wrap="truncate-end" color={(current || remote) && color ? "green" : undefined}>
        {loading ? loadingLine(loading) : remote ? serverLine(remote) : loadedLine(current)}
      </Text>
      {messageLines.map((line, i) => (
        <Text key={`m${i}`} wrap="truncate-end" color={color ? (message?.error ? "red" : "yellow") : undefined}>
          {line}
        </Text>
      ))}
      {scanError ? <Text color={color ? "red" : undefined} wrap="truncate-end">{`Could not read the models: ${displayText(scanError)}`}</Text> : null}
      {panel.map((line, i) => (
        <Text key={`p${i}`} wrap="truncate-end" color={color && i === 0 ? "cyan" : undefined}>
          {line}
        </Text>
      ))}
      {models === null ? (
        <Text dimColor>Scanning the models folder…</Text>
      ) : (
        <SelectList
          items={items}
          selected={selected}
          height={Math.max(1, listRows - hintLines.length)}
          color={color}
          empty="No GGUF files here yet: d downloads one, or copy a .gguf into the folder and press r."
        />
      )}
      {detail.map((line, i) => (
        <Text key={`d${i}`} dimColor wrap="truncate-end">
          {`  ${line}`}
        </Text>
      ))}
      {hintLines.map((line, i) => (
        <Text key={`h${i}`} wrap="truncate-end">
          {line}
        </Text>
      ))}
      <Text dimColor wrap="truncate-end">
        {footer}
      </Text>
    </Box>
  );
}

function modePanel(mode: Mode, width: number): string[] {
  switch (mode.name) {
    case "list":
      return [];
    case "loading":
      return [`Loading ${displayText(mode.model)}… ${Math.floor(mode.fraction * 100)}%`];
    case "server":
      return serverFormLines(mode.form, width);
    case "connecting":
      return [`Connecting to ${displayText(mode.form.url)} (${mode.form.api})…`];
    case "address":
      return [`Download ${ADDRESS} (a quant such as :Q4_K_M, or none to pick for this machine):`, `› ${displayText(mode.text)}█`];
    case "planning":
      return [`Looking up ${displayText(mode.uri)}…`];
    case "confirm": {
      const { preview } = mode;
      return [
        `${displayText(preview.repo)}: ${displayText(preview.available.join(", "))}`,
        ...wrapText(displayText(preview.explanation), width, 4),
        preview.model ? "Enter downloads it · Esc cancels" : `Nothing here runs on this machine: name a quant (hf:${displayText(preview.repo)}:Q2_K) · Esc`,
      ];
    }
    case "downloading": {
      const name = mode.preview.model?.quantLabel ?? mode.preview.model?.name ?? "";
      return [`Downloading ${displayText(mode.preview.repo)} ${displayText(name)}`, mode.progress ? downloadLine(mode.progress) : "Connecting…"];
    }
  }
}

function footerFor(mode: Mode): string {
  switch (mode.name) {
    case "address":
      return "Enter looks it up · Esc cancels";
    case "server":
      return "Tab/↑↓ field · ←→ API · Enter connects · Esc cancels";
    case "connecting":
      return "Esc gives up";
    case "planning":
    case "downloading":
      return "Esc or Ctrl+C cancels (a partial download is kept and resumes next time)";
    case "loading":
      return "Loading the model…";
    case "confirm":
      return "Enter download · Esc cancel";
    case "list":
      return "↑↓ select · Enter load · u unload · d download hf: · s server · r rescan · Esc home";
  }
}
