import { test } from "node:test";
import assert from "node:assert/strict";
import { completeCommand, runSlashCommand, slashCommands } from "../../../src/ui/commands/index.ts";
import { matchModelNames } from "../../../src/ui/commands/modelCommand.ts";
import { recordingContext } from "../../support/commandContext.ts";

const library = ["Mistral-7B-Q4_K_M.gguf", "Mistral-7B-Q6_K.gguf", "llama-3-8b-Q5_K_M.gguf", "tiny.gguf"];

test("/model loads by the whole name or any unique part of it, case aside", () => {
  const r = recordingContext({ models: library });
  runSlashCommand("/model tiny", r.ctx);
  runSlashCommand("/model LLAMA", r.ctx);
  runSlashCommand("/model q6_k", r.ctx);
  runSlashCommand("/model Mistral-7B-Q4_K_M.gguf", r.ctx);
  assert.deepEqual(r.calls, ["model:tiny.gguf", "model:llama-3-8b-Q5_K_M.gguf", "model:Mistral-7B-Q6_K.gguf", "model:Mistral-7B-Q4_K_M.gguf"]);
  assert.deepEqual(r.notes, []);
});

test("/model with an ambiguous or unknown name says so and loads nothing; alone it lists the library", () => {
  const r = recordingContext({ models: library });
  runSlashCommand("/model mistral", r.ctx);
  runSlashCommand("/model qwen", r.ctx);
  runSlashCommand("/model", r.ctx);
  assert.deepEqual(r.calls, []);
  assert.equal(r.notes[0], '/model: "mistral" could be Mistral-7B-Q4_K_M.gguf, Mistral-7B-Q6_K.gguf; type more of the name');
  assert.match(r.notes[1] ?? "", /^\/model: no model matches "qwen"; the library has Mistral-7B-Q4_K_M\.gguf, .*tiny\.gguf$/);
  assert.match(r.notes[2] ?? "", /^Models: Mistral-7B-Q4_K_M\.gguf, Mistral-7B-Q6_K\.gguf, llama-3-8b-Q5_K_M\.gguf, tiny\.gguf$/);
});

test("/model with an empty library points to the model screen", () => {
  const r = recordingContext({ models: [] });
  runSlashCommand("/model tiny", r.ctx);
  assert.match(r.notes[0] ?? "", /no models in the library; the model screen \(Ctrl\+O, then m\) downloads one/);
  assert.deepEqual(r.calls, []);
});

test("Tab completes /mo to /model and a partial name to the library's names, prefix matches first", () => {
  const r = recordingContext({ models: library });
  assert.deepEqual(completeCommand("/mo", slashCommands, r.ctx), ["/model "]);
  assert.deepEqual(completeCommand("/model ti", slashCommands, r.ctx), ["/model tiny.gguf"]);
  assert.deepEqual(completeCommand("/model q5", slashCommands, r.ctx), ["/model llama-3-8b-Q5_K_M.gguf"]);
  assert.deepEqual(completeCommand("/model mis", slashCommands, r.ctx), ["/model Mistral-7B-Q4_K_M.gguf", "/model Mistral-7B-Q6_K.gguf"]);
  assert.deepEqual(completeCommand("/temp 0", slashCommands, r.ctx), [], "commands without argument completion offer nothing");
  assert.deepEqual(matchModelNames(["a.gguf", "ab.gguf"], "a"), ["a.gguf"], "an exact name wins over longer ones containing it");
});
