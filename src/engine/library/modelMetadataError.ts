/** A GGUF file whose header cannot be used: the message names the file and the field. */
export class ModelMetadataError extends Error {
  constructor(readonly path: string, reason: string) {
    super(`${path}: ${reason}`);
    this.name = "ModelMetadataError";
  }
}
