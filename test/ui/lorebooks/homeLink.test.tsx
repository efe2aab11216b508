import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { App } from "../../../src/ui/app/App.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import { defaultKeybindings } from "../../../src/ui/app/keybindings.ts";
import { defaultEntry } from "../../../src/core/lorebook/model.ts";
import { card, fakeAppServices, fakeLorebookServices, noEditor } from "../../support/fakeAppServices.ts";
import { tick, until } from "../../support/frames.ts";

test("l on the home screen opens the lorebooks; Esc goes back home", async () => {
  const books = fakeLorebookServices([{ book: { name: "Evil\x1b]0;pwned\x07 Book", entries: [defaultEntry(0)], extra: {} }, source: "user", characters: ["Mira"] }]);
  const fake = fakeAppServices([], [card("mira", "Mira")], { lorebooks: books.services });
  const app = render(
    <PrintLogProvider>
      <App app={fake.services} editExternally={noEditor} stdout={{ columns: 80, rows: 24, on() {}, off() {} }} color={false} keybindings={defaultKeybindings} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  const home = await until(app.lastFrame, (f) => f.includes("Characters"), "home");
  assert.match(home, /l lorebooks/);
  await tick();
  app.stdin.write("l");
  const list = await until(app.lastFrame, (f) => f.includes("Book"), "the lorebooks listed");
  assert.match(list, /› Evil Book\s+1 entry · yours · Mira/, "names are drawn inert");
  assert.doesNotMatch(list, /\x1b\]0/);
  await tick();
  app.stdin.write("\x1b");
  await until(app.lastFrame, (f) => f.includes("Characters"), "home again");
  app.unmount();
});
