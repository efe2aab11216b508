/**
 * Remote backends for every surface: one connected server at a time, used for each
 * chat's turns instead of the embedded model while it is connected.
 */
import { connectRemote, type RemoteBackendOptions, type RemoteModel } from "../engine/remote/remoteModel.ts";
export { REMOTE_APIS, ignoredSamplers, type RemoteApi } from "../engine/remote/flavours.ts";
export { RemoteBackendError } from "../engine/remote/errors.ts";
export type { RemoteBackendOptions, RemoteModel };

export interface BackendService {
  /** Connects (asking the server its model and context); replaces any earlier backend. */
  connect(options: RemoteBackendOptions): Promise<RemoteModel>;
  /** The connected backend, or null when turns run on the embedded model. */
  current(): RemoteModel | null;
  disconnect(): void;
}

export function createBackendService(): BackendService {
  let current: RemoteModel | null = null;
  return {
    async connect(options) {
      current = await connectRemote(options);
      return current;
    },
    current: () => current,
    disconnect: () => {
      current = null;
    },
  };
}
