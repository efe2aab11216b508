/**
 * Remote backends for every surface: one connected server at a time, used for each
 * chat's turns instead of the embedded model while it is connected. The TUI remembers
 * the server it chatted through (settings.json, its key in secrets.json) and connects
 * again at start, as it loads the last model otherwise.
 */
import { connectRemote, type RemoteBackendOptions, type RemoteModel } from "../engine/remote/remoteModel.ts";
import { REMOTE_APIS, type RemoteApi } from "../engine/remote/flavours.ts";
import { RemoteBackendError } from "../engine/remote/errors.ts";
import { readBackendKey, saveBackendKey } from "../store/secrets.ts";
import type { SettingsStore } from "../store/settings.ts";
export { REMOTE_APIS, ignoredSamplers, type RemoteApi } from "../engine/remote/flavours.ts";
export { RemoteBackendError } from "../engine/remote/errors.ts";
export type { RemoteBackendOptions, RemoteModel };

export interface BackendConnecting {
  url: string;
  done: Promise<RemoteModel>;
}

export interface BackendService {
  /**
   * Connects (asking the server its model and context); replaces any earlier backend.
   * `remember`: the TUI connects to it again at start (the local model is then not loaded).
   */
  connect(options: RemoteBackendOptions, how?: { remember?: boolean }): Promise<RemoteModel>;
  /** The connected backend, or null when turns run on the embedded model. */
  current(): RemoteModel | null;
  /** A connection under way, if any: turns wait for it. */
  connecting(): BackendConnecting | null;
  /** Turns go to the embedded model again; `forget`: the next start does not connect either. */
  disconnect(how?: { forget?: boolean }): Promise<void>;
  /** The server remembered from the last session, with its saved key; undefined when none. */
  remembered(): Promise<RemoteBackendOptions | undefined>;
  /** Calls `listener` whenever current() or connecting() change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export interface BackendServiceOptions {
  /** The user's settings (where the server is remembered); nothing is remembered without. */
  settings?: () => Promise<SettingsStore>;
  /** secrets.json: where a remembered server's key is kept. */
  secretsPath?: string;
  /** Runs once a server is connected: the embedded model, now unused, gives its memory back. */
  onConnected?: () => Promise<void>;
  /** Where a typed tokenizer GGUF is found (a path, `~`, or a library name); used as typed without. */
  findModel?: (pathOrName: string) => Promise<string>;
}

export function createBackendService(options: BackendServiceOptions = {}): BackendService {
  let current: RemoteModel | null = null;
  let pending: BackendConnecting | null = null;
  // A later connect or a disconnect wins over a connection still under way.
  let generation = 0;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());

  const remember = async (backend: RemoteBackendOptions | undefined) => {
    if (!options.settings) return;
    const store = await options.settings();
    const saved = store.settings.backend;
    // Every model load forgets the server: with none saved there is nothing to write.
    if (!backend && !saved) return;
    if (options.secretsPath) await saveBackendKey(options.secretsPath, backend?.url ?? saved!.url, backend?.apiKey);
    const kept = backend && { url: backend.url, api: backend.api, ...(backend.model !== undefined && { model: backend.model }), ...(backend.tokenizer !== undefined && { tokenizer: backend.tokenizer }) };
    await store.update({ backend: kept });
  };

  return {
    connect(backend, how = {}) {
      const mine = ++generation;
      const done = (async () => {
        const tokenizer = backend.tokenizer !== undefined && options.findModel ? await options.findModel(backend.tokenizer) : backend.tokenizer;
        const remote = await connectRemote({ ...backend, ...(tokenizer !== undefined && { tokenizer }) });
        if (mine !== generation) {
          await remote.close();
          throw new RemoteBackendError(`${backend.url}: connecting was given up for another choice`);
        }
        const old = current;
        current = remote;
        await old?.close();
        // The GGUF as found, so a start from another folder finds it too.
        if (how.remember) await remember({ ...backend, ...(tokenizer !== undefined && { tokenizer }) });
        await options.onConnected?.();
        return remote;
      })();
      pending = { url: backend.url, done };
      changed();
      const settle = () => {
        if (mine !== generation) return;
        pending = null;
        changed();
      };
      done.then(settle, settle);
      return done;
    },
    current: () => current,
    connecting: () => pending,
    async disconnect(how = {}) {
      generation++;
      const had = current !== null || pending !== null;
      const old = current;
      current = null;
      pending = null;
      if (had) changed();
      await old?.close();
      if (how.forget) await remember(undefined);
    },
    async remembered() {
      const saved = options.settings ? (await options.settings()).settings.backend : undefined;
      if (!saved) return undefined;
      if (!(REMOTE_APIS as readonly string[]).includes(saved.api)) {
        throw new RemoteBackendError(`settings.json: "backend.api" must be one of ${REMOTE_APIS.join(", ")}, got "${saved.api}"`);
      }
      const apiKey = options.secretsPath ? await readBackendKey(options.secretsPath, saved.url) : undefined;
      return {
        url: saved.url, api: saved.api as RemoteApi,
        ...(saved.model !== undefined && { model: saved.model }), ...(saved.tokenizer !== undefined && { tokenizer: saved.tokenizer }), ...(apiKey !== undefined && { apiKey }),
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
