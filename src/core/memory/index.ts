export * from "./settings.ts";
export * from "./summary.ts";
export * from "./prompt.ts";
