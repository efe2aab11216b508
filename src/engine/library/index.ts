export { scanModelLibrary, type LibraryModel, type ScanModelLibraryOptions } from "./scanModelLibrary.ts";
export { modelVerdict, type ModelVerdict } from "../planning/modelVerdict.ts";
export { readModelFacts, chatTemplateName, ModelMetadataError, HeaderPastPrefixError, type LibraryFacts, type ReadModelFactsOptions } from "./readModelFacts.ts";
export { findModelFiles, type ModelFiles } from "./findModelFiles.ts";
export { readLibrary, type LibraryEntry } from "./readLibrary.ts";
export { validateModelMetadata } from "./validateModelMetadata.ts";
export { modelFileBytes } from "./modelFileBytes.ts";
