export * from "./table.ts";
export * from "./fileName.ts";
export * from "./architectures.ts";
