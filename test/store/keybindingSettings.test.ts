import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readKeybindingSettings } from "../../src/store/keybindingSettings.ts";
import { resolveKeybindings } from "../../src/ui/app/keybindings.ts";

test("keybindings come from the settings file; a missing file means defaults; bad JSON names the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "taproom-keys-"));
  try {
    const file = join(dir, "settings.json");
    assert.equal(await readKeybindingSettings(file), undefined);
    writeFileSync(file, JSON.stringify({ theme: "x", keybindings: { deleteLast: "ctrl+x" } }));
    assert.deepEqual(resolveKeybindings(await readKeybindingSettings(file)).deleteLast, ["ctrl+x"]);
    writeFileSync(file, "{oops");
    await assert.rejects(readKeybindingSettings(file), /settings\.json: not valid JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
