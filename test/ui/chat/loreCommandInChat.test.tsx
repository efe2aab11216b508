import { test } from "node:test";
import assert from "node:assert/strict";
import React from "react";
import { render } from "ink-testing-library";
import { ChatScreen } from "../../../src/ui/chat/ChatScreen.tsx";
import { PrintLogProvider } from "../../../src/ui/app/PrintLog.tsx";
import type { ChatServices } from "../../../src/ui/app/services.ts";
import { scriptedServices, testSamplers } from "../../support/fakeServices.ts";
import { tick, until } from "../../support/frames.ts";


test("in the chat, Tab completes /lore on with a book name and Enter attaches it through the chat's services", async () => {
  const set: string[][] = [];
  let attached: string[] = [];
  const services: ChatServices = {
    ...scriptedServices([]).services,
    lorebooks: () => ({ attached, inUse: ["The Copper Tankard", ...attached], available: ["The Copper Tankard", "Harbour Town"] }),
    async setLorebooks(names) {
      set.push(names);
      attached = names;
      return ["lorebook \"Harbour Town\" is not in the library"];
    },
  };
  const app = render(
    <PrintLogProvider>
      <ChatScreen services={services} characterName="Brindle" personaName="You" initialMessages={[]} initialSamplers={testSamplers} color={false} rows={24} onQuit={() => {}} />
    </PrintLogProvider>,
  );
  await tick();
  app.stdin.write("/lore on h");
  await until(app.lastFrame, (f) => f.includes("│ /lore on h"), "the typed command");
  app.stdin.write("\t");
  await until(app.lastFrame, (f) => f.includes("│ /lore on Harbour Town"), "the completed name");
  await tick();
  app.stdin.write("\r");
  await until(app.lastFrame, (f) => f.includes('lorebook "Harbour Town" is not in the library'), "the problem the reload found");
  assert.deepEqual(set, [["Harbour Town"]]);
  app.unmount();
});
