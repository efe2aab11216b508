export * from "./script.ts";
export * from "./compile.ts";
export * from "./finder.ts";
export * from "./run.ts";
export * from "./permission.ts";
export * from "./problemLog.ts";
export * from "./display.ts";
