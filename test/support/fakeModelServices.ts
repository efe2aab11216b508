import type { CurrentModel, ModelLoading, ModelService } from "../../src/app/models.ts";

export const fakeCurrentModel: CurrentModel = {
  name: "tiny",
  path: "/models/tiny.gguf",
  backend: "cpu",
  gpuLayers: 0,
  totalLayers: 2,
  contextSize: 512,
  threads: 1,
  reasons: ["no GPU: all 2 layers on the CPU"],
  suggestions: [],
};

/**
 * In-memory model services: an empty library; `loaded` decides whether a model is loaded at start.
 * A load finishes at once, unless `hold` is set: then it stays in progress until the test
 * moves it with progress(), finish() or fail().
 */
export function fakeModelServices(loaded: CurrentModel | null = fakeCurrentModel, opts: { hold?: boolean } = {}) {
  let current = loaded;
  let loading: ModelLoading | null = null;
  let settle: { resolve(model: CurrentModel): void; reject(error: Error): void } | null = null;
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  const services: ModelService = {
    folders: async () => ["/models"],
    find: async (query) => query,
    lastModel: async () => null,
    machine: async () => ({ gpu: false, vramBytes: 0, ramBytes: 8 * 2 ** 30, cpuCores: 2 }),
    library: async () => [],
    current: () => current,
    plan: () => null,
    loading: () => loading,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    async load(path) {
      if (!opts.hold) {
        current = { ...fakeCurrentModel, path };
        changed();
        return current;
      }
      current = null;
      const done = new Promise<CurrentModel>((resolve, reject) => (settle = { resolve, reject }));
      done.catch(() => {});
      loading = { path, name: path.split("/").pop()!, fraction: 0, done };
      changed();
      try {
        current = await done;
        return current;
      } finally {
        loading = null;
        changed();
      }
    },
    async unload() {
      current = null;
      changed();
    },
    details: async () => null,
    // What the scripted chats have always shown: a tiny model on the CPU, 12 of 512 tokens used.
    status: () => (current ? { model: "tiny.gguf", backend: "cpu", contextUsed: 12, contextSize: 512 } : { model: null, backend: "/model NAME loads one", contextUsed: 0, contextSize: 0 }),
    line: () => (current ? "tiny.gguf · cpu" : "no model loaded"),
    tokenizer: async () => {
      throw new Error("no tokenizer in this fake");
    },
    noModelNotice: async () => "No model loaded (fake)",
    addFolder: async () => [],
    removeFolder: async () => [],
    previewPull: async () => {
      throw new Error("no hub in this fake");
    },
    download: async () => {
      throw new Error("no hub in this fake");
    },
  };
  return {
    services,
    /** Moves the held load on to `fraction` (0..1). */
    progress(fraction: number) {
      if (!loading) throw new Error("no load in progress");
      loading = { ...loading, fraction };
      changed();
    },
    finish: () => settle?.resolve({ ...fakeCurrentModel, path: loading?.path ?? fakeCurrentModel.path }),
    fail: (message: string) => settle?.reject(new Error(message)),
  };
}
