import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { completeCommand, runSlashCommand } from "../../../src/ui/commands/index.ts";
import { createApp } from "../../../src/app/app.ts";
import { UnknownTemplateError } from "../../../src/core/prompt/templates.ts";
import { ChatStore } from "../../../src/store/chats/chatStore.ts";
import { recordingContext } from "../../support/commandContext.ts";

test("/instruct picks the chat's instruct format by name or alias, auto goes back to the model's own, a typo lists the choices", () => {
  const r = recordingContext();
  runSlashCommand("/instruct", r.ctx);
  runSlashCommand("/instruct Llama-3", r.ctx);
  assert.equal(r.ctx.template().name, "llama3");
  runSlashCommand("/instruct auto", r.ctx);
  assert.equal(r.ctx.template().name, null);
  runSlashCommand("/instruct chatlm", r.ctx);
  assert.deepEqual(r.notes.slice(0, 3), [
    "Template: auto (the model's own); choices: auto, chatml, llama3, mistral, mistral-tekken, gemma, alpaca, vicuna, plain",
    "Template llama3 for this chat, from the next turn",
    "Template: the model's own, from the next turn",
  ]);
  assert.match(r.notes[3] ?? "", /^\/instruct: unknown instruct template "chatlm" \(known: chatml, /);
  assert.deepEqual(completeCommand("/instruct m", undefined, r.ctx), ["/instruct mistral", "/instruct mistral-tekken"]);
});

test("/names turns the Name: prefixes on, off, or back to the template's choice", () => {
  const r = recordingContext();
  runSlashCommand("/names off", r.ctx);
  assert.equal(r.ctx.template().names, false);
  runSlashCommand("/names auto", r.ctx);
  assert.equal(r.ctx.template().names, undefined);
  runSlashCommand("/names maybe", r.ctx);
  assert.deepEqual(r.notes, ["Name prefixes off, from the next turn", "Name prefixes as the template does, from the next turn", '/names: expected on, off or auto, got "maybe"']);
});

test("the template and name choice are saved with the chat; an unknown name changes nothing", async () => {
  const home = await mkdtemp(join(tmpdir(), "taproom-template-"));
  const app = createApp({ env: { TAPROOM_HOME: home } });
  const chat = await app.chats.open({ characterId: "Brindle" });
  assert.equal(chat.setInstructTemplate("ChatML"), "chatml");
  chat.setNamesInPrompt(false);
  assert.throws(() => chat.setInstructTemplate("nope"), UnknownTemplateError);
  assert.deepEqual(chat.instructTemplate(), { name: "chatml", names: false });
  await app.close();
  const store = await ChatStore.open({ dir: join(home, "chats") });
  const saved = (await store.open(store.list()[0]!.id)).chat;
  assert.equal(saved.settings.instructTemplate, "chatml");
  assert.equal(saved.settings.names, false);
});
