// Group chats with the real binary: made and chatted with headless (taproom group, taproom chat
// --group --json), then the same group's chat in the TUI in tmux, on the tiny model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runTmuxTests, tmuxSession } from "../support/tmux.ts";

const root = resolve(import.meta.dirname, "../..");
const idle = (screen: string | null) => screen !== null && !screen.includes("writing…") && screen.includes("? help");

test("taproom group and taproom chat --group headless, then the group's chat in the TUI in tmux", { skip: runTmuxTests ? false : "tmux is not installed" }, async () => {
  const home = mkdtempSync(join(tmpdir(), "taproom-e2e-groups-"));
  const model = join(home, "tiny.gguf");
  execFileSync(process.execPath, ["--import", "tsx", join(root, "test/support/makeTinyModel.ts"), model], { cwd: root });
  const env = { ...process.env, TAPROOM_HOME: home, NO_COLOR: "1" };
  const taproom = (...args: string[]) => execFileSync(process.execPath, [join(root, "bin/taproom.js"), ...args], { cwd: root, env, encoding: "utf8" });
  const t = tmuxSession();
  try {
    assert.match(taproom("group", "create", "Night Shift", "--members", "Brindle,Maelis", "--strategy", "list"), /^Created group "Night Shift" \(\d+\): Brindle, Maelis; list; swap\n$/);
    const flags = ["--model", model, "--gpu", "cpu", "--threads", "1", "--context", "2048", "--temperature", "0", "--max-tokens", "12"];
    const turn = JSON.parse(taproom("chat", "--group", "Night Shift", "--message", "Evening, both.", "--json", ...flags)) as {
      strategy: string; replies: Array<{ speaker: { name: string; avatar: string }; why: string; text: string; gen_id: number }>;
    };
    assert.equal(turn.strategy, "list");
    assert.deepEqual(turn.replies.map((r) => [r.speaker.name, r.speaker.avatar, r.why, r.text]), [["Brindle", "Brindle.png", "list", "Hi, Bryn."], ["Maelis", "Maelis.png", "list", "Hi, Bryn."]]);
    assert.equal(turn.replies[0]!.gen_id, turn.replies[1]!.gen_id, "one turn, one batch");
    assert.equal(taproom("chat", "--group", "Night Shift", "--as", "Maelis", ...flags), "Maelis: Hi, Bryn.\n");
    assert.match(taproom("group", "show", "Night Shift"), /Chats: \n {2}\* \S+ {2}\S+ {2}\(6 messages,/);

    t.start(`cd ${JSON.stringify(root)} && TAPROOM_HOME=${JSON.stringify(home)} NO_COLOR=1 node bin/taproom.js --model ${JSON.stringify(model)} --gpu cpu --threads 1 --context 2048`, { columns: 100, rows: 30 });
    const homeScreen = (await t.waitFor((s) => (s?.includes("Groups") && s.includes("taproom-tiny")) ?? false, "the home screen with the group and the model", 60000)) ?? "";
    assert.match(homeScreen, /1 group Night Shift · \S+ +6 messages/, "the group's chat is the recent one");
    assert.match(homeScreen, /2 Night Shift {2}Brindle, Maelis · list · 1 chat/);
    t.tmux("send-keys", "-t", "app", "1");
    await t.waitFor((s) => (s?.includes("? help") && s.includes("Evening, both.")) ?? false, "the group's chat, resumed", 30000);
    t.tmux("send-keys", "-t", "app", "-l", "/temp 0");
    t.tmux("send-keys", "-t", "app", "Enter");
    await t.waitFor((s) => s?.includes("temp 0 ") ?? false, "greedy sampling");
    t.tmux("send-keys", "-t", "app", "-l", "Quiet night?");
    await t.waitFor((s) => s?.includes("│ Quiet night?") ?? false, "the typed text");
    t.tmux("send-keys", "-t", "app", "Enter");
    const after = (await t.waitFor((s) => (s?.includes("Maelis (2nd in list order)") ?? false) && idle(s), "both members' replies", 60000)) ?? "";
    assert.match(after, /Quiet night\?\n\nBrindle\nHi, Bryn\.\n\nMaelis\nHi, Bryn\./);
    // The members panel: Maelis speaks on her own.
    t.tmux("send-keys", "-t", "app", "M-g");
    await t.waitFor((s) => s?.includes("Night Shift · list · swap") ?? false, "the members panel");
    t.tmux("send-keys", "-t", "app", "2");
    await t.waitFor((s) => (s?.includes("Maelis (you asked for them)") ?? false) && idle(s), "Maelis asked to speak", 60000);
    await t.quitWithCtrlC();
    assert.match(taproom("group", "list"), /Night Shift {2}\(2 members: Brindle, Maelis; list; swap; 1 chat\)/);
    assert.match(taproom("group", "show", "Night Shift"), /\(10 messages,/);
  } finally {
    t.kill();
    rmSync(home, { recursive: true, force: true });
  }
});
