export * from "./settings.ts";
export * from "./summary.ts";
