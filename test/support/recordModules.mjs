// `node --import ./test/support/recordModules.mjs ...` appends the URL of every ES module
// (and CommonJS module imported from one) that the process loads to $TAPROOM_MODULE_LOG,
// one per line: what a start-up really loaded, for the tests that keep it lean.
import { register } from "node:module";

const log = process.env.TAPROOM_MODULE_LOG;
if (!log) throw new Error("recordModules.mjs needs TAPROOM_MODULE_LOG, the file to write to");
register("./recordModulesHooks.mjs", import.meta.url, { data: { log } });
