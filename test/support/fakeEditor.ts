import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fake $EDITOR: a shell script that rewrites the file it is given, as an editor would. */
export async function fakeEditor(body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "taproom-fake-editor-"));
  const path = join(dir, "editor.sh");
  await writeFile(path, `#!/bin/sh\n${body}\n`);
  await chmod(path, 0o755);
  return path;
}
