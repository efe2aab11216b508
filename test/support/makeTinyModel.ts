// Writes a test model for shell-driven tests: npx tsx test/support/makeTinyModel.ts OUT.gguf [--random]
import { writeRandomModel, writeTinyChatModel } from "./tinyGguf.ts";

const [out, flag] = process.argv.slice(2);
if (!out) {
  process.stderr.write("usage: makeTinyModel.ts OUT.gguf [--random]\n");
  process.exit(2);
}
await (flag === "--random" ? writeRandomModel(out) : writeTinyChatModel(out));
