import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app/app.ts";

const samples = new URL("../../characters/", import.meta.url).pathname;

test("a chat whose preset carries samplers the built-in engine cannot apply says which when it opens", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-notice-"));
  await writeFile(join(home, "Miro Gold.json"), JSON.stringify({ temp: 1, mirostat_mode: 2, mirostat_tau: 9.61, mirostat_eta: 1, typical_p: 1 }));
  const app = createApp({ env: { TAPROOM_HOME: join(home, "data") }, cwd: home, home });
  try {
    const imported = await app.presets.importSillyTavern("Miro Gold.json");
    assert.deepEqual(imported.preset?.notApplied, ["mirostat 2 (tau 9.61, eta 1)"]);
    await app.library.importFile(join(samples, "brindle.json"));
    const chat = await app.chats.open({ characterId: "brindle", title: "Evening" });
    assert.doesNotMatch(chat.notice ?? "", /Not applied/);
    chat.setPreset("Miro Gold");
    await chat.flush();
    const reopened = await app.chats.open({ characterId: "brindle", chatId: chat.chat().id });
    assert.match(reopened.notice ?? "", /Not applied by the built-in engine: mirostat 2 \(tau 9\.61, eta 1\)/);
  } finally {
    await app.close();
  }
});
