/**
 * What every start does before a command runs, kept light (no stores opened, no engine):
 * temp files left by a kill between an atomic write and its rename are removed.
 */
import { dataDir } from "../store/paths.ts";
import { removeStaleTemps } from "../store/staleTemps.ts";

/** Removes stale temp files from the data directory the environment names; never fails a start. */
export async function sweepStaleTemps(env: NodeJS.ProcessEnv): Promise<string[]> {
  return removeStaleTemps(dataDir(env)).catch(() => []);
}
