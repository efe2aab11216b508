import React from "react";
import { render } from "ink";
import { createApp } from "../../app/app.ts";
import type { StartOptions } from "../../app/options.ts";
import type { RemoteBackendOptions } from "../../app/backends.ts";
import { App } from "./App.tsx";
import { PrintLogProvider } from "./PrintLog.tsx";
import { resolveKeybindings } from "./keybindings.ts";
import { colorEnabled } from "./useTerminalSize.ts";
import { editExternally } from "./externalEditor.ts";
import { watchFirstScreen } from "./firstScreen.ts";

/** What the app takes from the process it runs in. */
export interface LaunchIO {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The server saved in settings, its key from secrets.json or TAPROOM_BACKEND_KEY; a broken setting is said and skipped. */
async function rememberedBackend(app: ReturnType<typeof createApp>, env: NodeJS.ProcessEnv): Promise<RemoteBackendOptions | undefined> {
  try {
    const saved = await app.backends.remembered();
    const key = saved?.apiKey ?? (env.TAPROOM_BACKEND_KEY || undefined);
    return saved && { ...saved, ...(key !== undefined && { apiKey: key }) };
  } catch (error) {
    process.stderr.write(`taproom: ${(error as Error).message.split("\n")[0]}\n`);
    return undefined;
  }
}

/** Renders the app and resolves once it has closed, with the terminal restored on every path. */
export async function launchTui(options: StartOptions, io: LaunchIO): Promise<number> {
  // A chat open here is held: a `taproom chat` on it waits, then is told the chat screen has it.
  const app = createApp({ env: io.env, cwd: io.cwd, runtime: options, chatLock: { purpose: "the chat screen", waitMs: 10_000 } });
  if (options.backend) {
    // Connected before the first frame: a wrong address or key is one line, not a broken chat.
    try {
      await app.backends.connect(options.backend, { remember: true });
    } catch (error) {
      process.stderr.write(`taproom: ${(error as Error).message.split("\n")[0]}\n`);
      await app.close();
      return 1;
    }
  }
  const first = watchFirstScreen(app);
  // No --model or --backend: the server or the model used last on this machine, as the person left it.
  const remembered = options.backend || options.model ? undefined : await rememberedBackend(app, io.env);
  const startConnect = remembered ? first.drawn.then(() => app.backends.connect(remembered, { remember: true })) : null;
  startConnect?.catch(() => {});
  // The app draws at once and loads the model behind it, once drawn; the screens show its progress.
  const model = options.backend || remembered ? undefined : (options.model ?? (await app.models.lastModel()));
  const startLoad = model ? app.models.load(model, undefined, { startAfter: first.drawn }) : null;
  startLoad?.catch(() => {}); // The app shows why; a failure before it has drawn is not unhandled.
  // Straight into a chat without a model: say there why nothing will answer (the model screen
  // shows it all otherwise). Probing the machine takes a moment, so the chat draws first.
  // The probe may load llama.cpp (a machine not remembered yet): after the first frame too.
  const startNotice = !model && !options.backend && !remembered && options.character ? first.drawn.then(() => app.models.noModelNotice()) : null;
  startNotice?.catch(() => {});
  const keybindings = resolveKeybindings(await app.keybindings());
  let instance: ReturnType<typeof render> | undefined;
  const quit = () => instance?.unmount();
  const onSignal = () => quit();
  // on, not once: Ink's cursor restore (signal-exit) re-sends the signal to kill the process when it sees
  // no other listener left, which would end it before the chat is saved.
  process.on("SIGHUP", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    instance = render(
      <PrintLogProvider>
      <App
        app={first.app}
        editExternally={(text) => editExternally(text, { env: io.env, stdin: process.stdin })}
        stdout={process.stdout}
        color={colorEnabled(io.env, process.stdout)}
        start={options.character ? { characterId: options.character } : null}
        startLoad={startLoad}
        startConnect={startConnect}
        startNotice={startNotice}
        keybindings={keybindings}
        onQuit={quit}
      />
      </PrintLogProvider>,
      { exitOnCtrlC: false, patchConsole: true },
    );
    await instance.waitUntilExit();
    return 0;
  } finally {
    await app.close();
    process.off("SIGHUP", onSignal);
    process.off("SIGTERM", onSignal);
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write("\x1b[?25h");
  }
}
