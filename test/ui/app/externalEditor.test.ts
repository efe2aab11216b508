import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir } from "node:fs/promises";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { fakeEditor } from "../../support/fakeEditor.ts";
import { editExternally, ExternalEditorError } from "../../../src/ui/app/externalEditor.ts";

test("the text goes to the editor in a file and comes back as the editor saved it", async () => {
  const editor = await fakeEditor(`printf '%s, and then some.\\n' "$(cat "$1")" > "$1.new" && mv "$1.new" "$1"`);
  const raw: boolean[] = [];
  const stdin = { isTTY: true, setRawMode: (on: boolean) => void raw.push(on) };
  const text = await editExternally("She smiles 漢字 👍🏽", { env: { PATH: process.env.PATH, EDITOR: editor }, stdin });
  assert.equal(text, "She smiles 漢字 👍🏽, and then some.", "the editor's final newline is dropped");
  assert.deepEqual(raw, [false, true], "raw mode is off while the editor runs, and back on after");
});

test("$VISUAL wins over $EDITOR, and arguments in it are kept", async () => {
  const visual = await fakeEditor(`[ "$1" = "--wait" ] && printf 'visual' > "$2"`);
  const text = await editExternally("x", { env: { PATH: process.env.PATH, VISUAL: `${visual} --wait`, EDITOR: "/nonexistent" } });
  assert.equal(text, "visual");
});

test("an editor that fails or cannot start leaves the message alone with a reason; no temp file stays", async (t) => {
  // A temp folder of its own: other test files running at the same time make editor files in the shared one.
  const own = await mkdtemp(join(tmpdir(), "taproom-editor-test-"));
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = own;
  t.after(() => { if (saved === undefined) delete process.env.TMPDIR; else process.env.TMPDIR = saved; });
  const before = (await readdir(tmpdir())).filter((n) => n.startsWith("taproom-edit-")).length;
  const failing = await fakeEditor("exit 3");
  await assert.rejects(editExternally("keep", { env: { PATH: process.env.PATH, EDITOR: failing } }), (e: Error) => e instanceof ExternalEditorError && /exited with 3; the message is unchanged/.test(e.message));
  await assert.rejects(editExternally("keep", { env: { PATH: process.env.PATH, EDITOR: "/no/such/editor" } }), (e: Error) => e instanceof ExternalEditorError && /could not start the editor/.test(e.message));
  const after = (await readdir(tmpdir())).filter((n) => n.startsWith("taproom-edit-")).length;
  assert.equal(after, before);
});
