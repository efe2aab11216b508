import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../../src/app/app.ts";
import { ReadOnlyLorebookError } from "../../src/app/lore.ts";

test("the book list names the character whose card uses the book, from the real card library", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-lore-svc-"));
  const services = createApp({ env: { TAPROOM_HOME: home } }).lore;
  const [tankard] = await services.list();
  assert.deepEqual(tankard, { name: "The Copper Tankard", entries: 16, source: "sample", characters: ["Brindle"] });
  // A second listing comes from the card index cache and still knows the owner.
  assert.deepEqual((await services.list())[0]?.characters, ["Brindle"]);
  const opened = await services.open("the copper tankard");
  await assert.rejects(services.save(opened.book, { source: "sample" }), ReadOnlyLorebookError);
});
