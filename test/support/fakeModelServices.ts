import type { CurrentModel, ModelServices } from "../../src/ui/app/modelServices.ts";

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

/** In-memory model services: an empty library; `loaded` decides whether a model is loaded at start. */
export function fakeModelServices(loaded: CurrentModel | null = fakeCurrentModel): ModelServices {
  let current = loaded;
  return {
    folders: async () => ["/models"],
    machine: async () => ({ gpu: false, vramBytes: 0, ramBytes: 8 * 2 ** 30, cpuCores: 2 }),
    library: async () => [],
    current: () => current,
    async load(path) {
      current = { ...fakeCurrentModel, path };
      return current;
    },
    async unload() {
      current = null;
    },
    details: async () => null,
    previewPull: async () => {
      throw new Error("no hub in this fake");
    },
    download: async () => {
      throw new Error("no hub in this fake");
    },
  };
}
