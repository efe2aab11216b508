import { test } from "node:test";
import assert from "node:assert/strict";
import { groupRepoModels } from "../../../src/engine/download/repoModels.ts";
import { parseHfUri } from "../../../src/engine/download/hfUri.ts";

test("a repository listing becomes models: split parts grouped in order, projectors left out, missing parts named", () => {
  const models = groupRepoModels([
    { path: "README.md", size: 5 },
    { path: "mmproj-Model-f16.gguf", size: 600 },
    { path: "Model-Q4_K_M.gguf", size: 100, sha256: "a".repeat(64) },
    { path: "Model-Q8_0/Model-Q8_0-00002-of-00002.gguf", size: 70 },
    { path: "Model-Q8_0/Model-Q8_0-00001-of-00002.gguf", size: 130 },
    { path: "Model-F16-00001-of-00003.gguf", size: 300 },
    { path: "Model-UD-Q4_K_XL.gguf", size: 110 },
  ]);
  assert.deepEqual(
    models.map((m) => [m.name, m.quantLabel, m.quant?.name, m.totalBytes, m.files.map((f) => f.path), m.missingParts]),
    [
      ["Model-Q4_K_M.gguf", "Q4_K_M", "Q4_K_M", 100, ["Model-Q4_K_M.gguf"], []],
      ["Model-Q8_0", "Q8_0", "Q8_0", 200, ["Model-Q8_0/Model-Q8_0-00001-of-00002.gguf", "Model-Q8_0/Model-Q8_0-00002-of-00002.gguf"], []],
      ["Model-F16", "F16", "F16", 300, ["Model-F16-00001-of-00003.gguf"], [2, 3]],
      ["Model-UD-Q4_K_XL.gguf", "Q4_K_XL", undefined, 110, ["Model-UD-Q4_K_XL.gguf"], []],
    ],
  );
});

test("hf: addresses parse into repo and quant or file, and bad ones are refused with the expected form", () => {
  assert.deepEqual(parseHfUri("hf:bartowski/Llama-3.2-3B-Instruct-GGUF"), { repo: "bartowski/Llama-3.2-3B-Instruct-GGUF" });
  assert.deepEqual(parseHfUri("hf:user/repo:q4_k_m"), { repo: "user/repo", quant: "Q4_K_M" });
  assert.deepEqual(parseHfUri("hf:user/repo:Model-IQ3_M.gguf"), { repo: "user/repo", file: "Model-IQ3_M.gguf" });
  assert.throws(() => parseHfUri("hf:justone"), /the repository must be USER\/REPO.*expected hf:USER\/REPO/);
  assert.throws(() => parseHfUri("hf:user/repo:../../etc.gguf"), /bad file path/);
  assert.throws(() => parseHfUri("hf:user/repo:Q4 K"), /is not a quant name/);
  assert.throws(() => parseHfUri("user/repo"), /not an hf: address/);
});
