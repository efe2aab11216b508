import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli } from "../../src/cli/main.ts";
import { captureIO } from "../support/cliIO.ts";

test("a subcommand that is not one (a typo, or a name every object has) is a usage error listing the real ones", async () => {
  for (const [args, message] of [
    [["chats", "toString"], /unknown chats subcommand "toString" \(list, import, export, delete, rename\)/],
    [["card", "constructor"], /unknown card subcommand "constructor" \(import, list, show, export, lint, delete, trash, restore\)/],
    [["lore"], /lore needs a subcommand: import, list, export, test/],
  ] as const) {
    const io = captureIO({ TAPROOM_HOME: "/nonexistent-taproom-home" });
    assert.equal(await runCli([...args], io), 2, args.join(" "));
    assert.match(io.err(), message);
  }
});
