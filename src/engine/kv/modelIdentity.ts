import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
import type { ModelIdentity } from "../../core/promptCache/state.ts";

const EDGE = 2 ** 20;

/**
 * A model file named by its bytes: size plus a hash of its first and last MiB (the
 * GGUF header and the last tensors). A file swapped in under the same name differs.
 */
export async function modelIdentity(path: string, name: string): Promise<ModelIdentity> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    const hash = createHash("sha256").update(String(size));
    const read = async (position: number, length: number) => {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      hash.update(buffer.subarray(0, bytesRead));
    };
    await read(0, Math.min(EDGE, size));
    if (size > EDGE) await read(Math.max(EDGE, size - EDGE), Math.min(EDGE, size - EDGE));
    return { name, bytes: size, fingerprint: hash.digest("hex") };
  } finally {
    await handle.close();
  }
}
