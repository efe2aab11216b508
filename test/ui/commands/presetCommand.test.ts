import { test } from "node:test";
import assert from "node:assert/strict";
import { runSlashCommand } from "../../../src/ui/commands/index.ts";
import { builtInPresets } from "../../../src/core/samplers/presets.ts";
import { defaultSamplers } from "../../../src/core/samplers/validate.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/preset applies a whole preset (unset fields back to defaults) and records it with the chat", () => {
  const deterministic = builtInPresets.find((p) => p.name === "Deterministic");
  assert.ok(deterministic);
  const r = recordingContext();
  runSlashCommand("/preset deterministic", r.ctx);
  assert.deepEqual(r.calls, ["preset:Deterministic"]);
  assert.equal(r.samplers.temperature, deterministic.samplers.temperature);
  assert.equal(r.samplers.maxTokens, deterministic.samplers.maxTokens ?? defaultSamplers.maxTokens);
  assert.match(r.notes[0] ?? "", /^Preset Deterministic: /);
});

test("/preset alone lists the presets; an unknown name lists them too and changes nothing", () => {
  const r = recordingContext();
  runSlashCommand("/preset", r.ctx);
  runSlashCommand("/preset Spicy", r.ctx);
  assert.match(r.notes[0] ?? "", /^Presets: .*Universal-Light/);
  assert.match(r.notes[1] ?? "", /no preset "Spicy"; there are .*Deterministic/);
  assert.deepEqual(r.calls, []);
  assert.deepEqual(r.samplers, {});
});

test("/preset with settings the built-in engine cannot apply says which, in the same line", () => {
  const r = recordingContext();
  const miro = { name: "Miro Gold", description: "imported", samplers: { temperature: 1, mirostatMode: 2, mirostatTau: 9.61, mirostatEta: 1 }, builtIn: false };
  r.ctx.presets = () => [...builtInPresets, miro];
  runSlashCommand("/preset miro gold", r.ctx);
  assert.deepEqual(r.notes, ["Preset Miro Gold: imported · Not applied by the built-in engine: mirostat 2 (tau 9.61, eta 1)"]);
  runSlashCommand("/preset neutral", r.ctx);
  assert.doesNotMatch(r.notes[1]!, /Not applied/);
});
