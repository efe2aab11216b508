/**
 * What every start does before a command runs, kept light (no stores opened, no engine):
 * temp files left by a kill between an atomic write and its rename are removed.
 */
import { dataDir, dataPaths } from "../store/paths.ts";
import { KvStateStore } from "../store/kvStates.ts";
import { removeStaleTemps } from "../store/staleTemps.ts";
import { kvStateDir } from "./promptCache.ts";

/** Removes stale temp files from the data directory the environment names (KV states half-written included); never fails a start. */
export async function sweepStaleTemps(env: NodeJS.ProcessEnv): Promise<string[]> {
  const root = dataDir(env);
  await new KvStateStore({ dir: kvStateDir(dataPaths(root)) }).removeStale().catch(() => 0);
  return removeStaleTemps(root).catch(() => []);
}
