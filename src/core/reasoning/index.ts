export * from "./templates.ts";
export * from "./parse.ts";
export * from "./stream.ts";
export * from "./prompt.ts";
export * from "./reparse.ts";
