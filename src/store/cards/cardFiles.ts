import { readFile, stat } from "node:fs/promises";
import { checkCardSize, decodeCardFile, encodeCardFile, type CardExportFormat, type CardFile, type DecodeCardOptions } from "../../core/cards/codec.ts";
import { CardFormatError } from "../../core/cards/errors.ts";
import { writeFileAtomic } from "../atomicWrite.ts";

/** Reads a card file from disk; the size is checked before the bytes are read. */
export async function readCardFile(path: string, options: DecodeCardOptions = {}): Promise<CardFile & { bytes: Uint8Array }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CardFormatError(path, "not a file");
    size = info.size;
  } catch (error) {
    if (error instanceof CardFormatError) throw error;
    throw new CardFormatError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  checkCardSize(size, path);
  const bytes = new Uint8Array(await readFile(path));
  return { ...decodeCardFile(bytes, path, options), bytes };
}

export async function writeCardFile(path: string, file: CardFile, format: CardExportFormat | "same"): Promise<void> {
  await writeFileAtomic(path, encodeCardFile(file, format));
}
