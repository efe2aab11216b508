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

test("typos get a one-line error that names what was meant, never Node's parser text", async () => {
  for (const [args, message] of [
    [["chta"], /^taproom: unknown command "chta" \(did you mean "chat"\?\)\. Run taproom --help for the list\.\n$/],
    [["--versoin"], /^taproom: unknown option --versoin \(did you mean --version\?\)\nRun taproom --help for usage\.\n$/],
    [["chat", "--temprature", "1"], /^taproom chat: unknown option --temprature \(did you mean --temperature\?\)\n/],
    [["card", "lsit"], /unknown card subcommand "lsit" \(did you mean "list"\?\)/],
  ] as const) {
    const io = captureIO({ TAPROOM_HOME: "/nonexistent-taproom-home" });
    assert.equal(await runCli([...args], io), 2, args.join(" "));
    assert.match(io.err(), message);
    assert.doesNotMatch(io.err(), /taproom tui|positional argument|'/, "no fallback command's name, no raw parser text");
  }
});
