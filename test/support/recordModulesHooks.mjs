// Module hooks for recordModules.mjs; they run on the loader's own thread.
import { appendFileSync } from "node:fs";

let log;

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, nextLoad) {
  appendFileSync(log, process.env.TAPROOM_MODULE_LOG_TIME ? `${Date.now()} ${url}\n` : `${url}\n`);
  return nextLoad(url, context);
}
