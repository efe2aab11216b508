export { scanModelLibrary, type LibraryModel, type ScanModelLibraryOptions } from "./scanModelLibrary.ts";
export { modelVerdict, type ModelVerdict } from "./modelVerdict.ts";
export { readModelFacts, readRemoteModelFacts, chatTemplateName, ModelMetadataError, type LibraryFacts } from "./readModelFacts.ts";
export { findModelFiles, type ModelFiles } from "./findModelFiles.ts";
export { readLibrary, type LibraryEntry } from "./readLibrary.ts";
export { validateModelMetadata } from "./validateModelMetadata.ts";
export { modelFileBytes } from "./modelFileBytes.ts";
