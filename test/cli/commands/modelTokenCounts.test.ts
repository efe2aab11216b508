import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../../src/cli/main.ts";
import { captureIO } from "../../support/cliIO.ts";
import { writeTinyChatModel } from "../../support/tinyGguf.ts";

test("card show --model counts each field with the model's own tokenizer, without loading weights", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-cardtokens-"));
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const io = captureIO({ TAPROOM_HOME: home });
  assert.equal(await runCli(["card", "show", "Brindle", "--model", model], io), 0, io.err());
  const card = JSON.parse(await readFile(new URL("../../../characters/brindle.json", import.meta.url), "utf8"));
  const description: string = card.data.description;
  assert.ok(/^[\x20-\x7e]*$/.test(description), "the sample's description is plain ASCII");
  // The tiny model has one token per printable character.
  assert.match(io.out(), new RegExp(`^description \\(${description.length} tokens\\): `, "m"));
});

test("lore test --model reports budget and entry costs in the model's tokens", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-loretokens-"));
  const model = await writeTinyChatModel(join(home, "tiny.gguf"));
  const io = captureIO({ TAPROOM_HOME: home });
  const code = await runCli(["lore", "test", "The Copper Tankard", "--text", "Emberstout, please.", "--model", model, "--json"], io);
  assert.equal(code, 0, io.err());
  const out = JSON.parse(io.out()) as { tokenizer: string; verdicts: Array<{ comment: string; fired: boolean; tokens: number | null }> };
  assert.equal(out.tokenizer, "taproom-tiny tokenizer");
  const book = JSON.parse(await readFile(new URL("../../../lorebooks/The Copper Tankard.json", import.meta.url), "utf8"));
  const stout = Object.values(book.entries as Record<string, { comment: string; content: string }>).find((e) => e.comment.startsWith("Emberstout"))!;
  const verdict = out.verdicts.find((v) => v.comment === stout.comment)!;
  assert.equal(verdict.fired, true);
  assert.equal(verdict.tokens, stout.content.length);
});
