import { test } from "node:test";
import assert from "node:assert/strict";
import { samplerTable, sequenceBreakersSpec } from "../../../src/core/samplers/table.ts";
import { listSamplerTable } from "../../../src/core/samplers/listSamplers.ts";
import { defaultSamplers, resolveSamplers, validateSamplers } from "../../../src/core/samplers/validate.ts";
import { importSillyTavernPreset } from "../../../src/core/samplers/sillyTavernPreset.ts";
import type { SamplerSettings } from "../../../src/core/samplers/types.ts";
import { formatSampler, samplerRows, stepSampler } from "../../../src/ui/panels/samplerPanel.ts";
import { runSlashCommand, slashCommands } from "../../../src/ui/commands/index.ts";
import { readSamplerFlags, samplerFlagOptions } from "../../../src/cli/samplerFlags.ts";
import { samplerFlagUsage } from "../../../src/cli/commands/help.ts";
import { chatCommand } from "../../../src/cli/commands/chatCommand.ts";
import { recordingContext } from "../../support/commandContext.ts";

// One walk over the table: every surface that takes a sampler agrees with it on the name,
// the range, whole numbers, the default and the words.

const below = (s: { min: number; integer?: boolean }) => s.min - (s.integer ? 1 : 0.01);
const above = (s: { max: number; integer?: boolean }) => s.max + (s.integer ? 1 : 0.01);

test("every numeric field of the settings has exactly one entry, and the defaults come from it", () => {
  const keys = samplerTable.map((s) => s.key);
  assert.equal(new Set(keys).size, keys.length);
  assert.deepEqual(new Set([...keys, ...listSamplerTable.map((s) => s.key)]), new Set(Object.keys(defaultSamplers)));
  for (const spec of samplerTable) {
    assert.equal(defaultSamplers[spec.key], spec.default, spec.key);
    assert.doesNotThrow(() => validateSamplers({ [spec.key]: spec.default }), spec.key);
    assert.ok(spec.help.length > 10 && spec.name && spec.label, `${spec.key} has its words`);
  }
  assert.deepEqual(defaultSamplers.drySequenceBreakers, sequenceBreakersSpec.default);
});

test("validation takes each range's ends and refuses just outside them, and halves of whole-number samplers", () => {
  for (const spec of samplerTable) {
    assert.doesNotThrow(() => validateSamplers({ [spec.key]: spec.min }), `${spec.key} at its min`);
    assert.doesNotThrow(() => validateSamplers({ [spec.key]: spec.max }), `${spec.key} at its max`);
    assert.throws(() => validateSamplers({ [spec.key]: below(spec) }), new RegExp(`^SamplerRangeError: ${spec.name} must be between ${spec.min} and ${spec.max}`));
    assert.throws(() => validateSamplers({ [spec.key]: above(spec) }), /must be between/);
    if (spec.integer) assert.throws(() => validateSamplers({ [spec.key]: spec.min + 0.5 }), new RegExp(`${spec.name} must be a whole number`));
  }
});

test("the panel steps each row inside its range and shows it with the step's decimals", () => {
  for (const spec of samplerTable) {
    const row = samplerRows.find((r) => r.key === spec.key);
    if (spec.panel === false) {
      assert.equal(row, undefined, spec.key);
      continue;
    }
    assert.ok(row, `${spec.key} has a panel row`);
    const at = (value: number): SamplerSettings => ({ ...defaultSamplers, [spec.key]: value });
    assert.equal(stepSampler(at(spec.max), row, 1), null, `${spec.key} stops at its max`);
    assert.equal(stepSampler(at(spec.min), row, -1), null, `${spec.key} stops at its min`);
    assert.deepEqual(stepSampler(at(spec.min), row, 1), { [spec.key]: Math.min(spec.max, Number((spec.min + spec.step).toFixed(6))) });
    if (spec.off !== undefined) assert.match(formatSampler(at(spec.off), row), /\(off\)$/, spec.key);
  }
});

test("a slash command's range is the table's: its ends are taken, past them refused, and it says what it set", () => {
  const withSlash = samplerTable.filter((s) => s.slash);
  assert.deepEqual(withSlash.map((s) => s.slash), ["temp", "topp", "minp", "topk", "reppen"]);
  for (const spec of withSlash) {
    const command = slashCommands.find((c) => c.name === spec.slash)!;
    assert.equal(command.usage, `/${spec.slash} VALUE (${spec.min} to ${spec.max})`);
    for (const value of [spec.min, spec.max]) {
      const r = recordingContext();
      runSlashCommand(`/${spec.slash} ${value}`, r.ctx);
      assert.equal(r.samplers[spec.key], value, `/${spec.slash} ${value}`);
      assert.deepEqual(r.notes, [`${spec.label} set to ${value}`]);
    }
    const r = recordingContext();
    runSlashCommand(`/${spec.slash} ${below(spec)}`, r.ctx);
    runSlashCommand(`/${spec.slash} ${above(spec)}`, r.ctx);
    runSlashCommand(`/${spec.slash} hot`, r.ctx);
    if (spec.integer) runSlashCommand(`/${spec.slash} ${spec.min + 0.5}`, r.ctx);
    assert.equal(r.samplers[spec.key], undefined, `/${spec.slash} changed nothing`);
    assert.match(r.notes[0]!, new RegExp(`^/${spec.slash} must be between ${spec.min} and ${spec.max}`));
    assert.match(r.notes[1]!, /must be between/);
    assert.match(r.notes[2]!, new RegExp(`^/${spec.slash} needs a number, got "hot"`));
    if (spec.integer) assert.match(r.notes[3]!, /must be a whole number/);
  }
});

test("taproom chat has a flag per sampler, in its help, read as the table's type and checked against its range", () => {
  for (const spec of samplerTable) {
    assert.ok(samplerFlagOptions[spec.flag], spec.flag);
    assert.match(chatCommand.usage, new RegExp(`--${spec.flag} [NX] +${spec.min} to ${spec.max}, ${spec.default} +${spec.help.replace(/[()]/g, "\\$&")}`));
    assert.deepEqual(readSamplerFlags({ [spec.flag]: String(spec.max) }), { [spec.key]: spec.max });
    assert.throws(() => resolveSamplers(readSamplerFlags({ [spec.flag]: String(above(spec)) })), new RegExp(`${spec.name} must be between`));
    if (spec.integer) assert.throws(() => readSamplerFlags({ [spec.flag]: "1.5" }), new RegExp(`--${spec.flag} must be a whole number`));
  }
  assert.equal(samplerFlagUsage().split("\n").length, samplerTable.length);
});

test("every SillyTavern preset key of the table is read into its sampler", () => {
  for (const spec of samplerTable) {
    for (const key of spec.presetKeys) {
      const value = spec.integer ? spec.max : spec.min;
      assert.deepEqual(importSillyTavernPreset({ [key]: value }, "p.json"), { samplers: { [spec.key]: value }, ignored: [], notes: [] }, key);
    }
  }
  assert.deepEqual(importSillyTavernPreset({ dry_sequence_breakers: '["\\n"]' }, "p.json").samplers, { drySequenceBreakers: ["\n"] });
});
