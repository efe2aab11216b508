import React from "react";
import { render } from "ink";
import type { CliIO } from "../../cli/command.ts";
import type { TuiOptions } from "../../cli/commands/tuiCommand.ts";
import { App } from "./App.tsx";
import { PrintLogProvider } from "./PrintLog.tsx";
import { createAppServices } from "./createServices.ts";
import { noModelNotice } from "./noModelNotice.ts";
import { resolveKeybindings } from "./keybindings.ts";
import { readKeybindingSettings } from "../../store/keybindingSettings.ts";
import { dataPaths, dataDir } from "../../store/paths.ts";
import { colorEnabled } from "./useTerminalSize.ts";
import { watchFirstScreen } from "./firstScreen.ts";

/** Renders the app and resolves once it has closed, with the terminal restored on every path. */
export async function launchTui(options: TuiOptions, io: CliIO): Promise<number> {
  const session = await createAppServices(options, io.env);
  const first = watchFirstScreen(session.services);
  // The app draws at once and loads the model behind it, once drawn; the screens show its progress.
  const startLoad = options.model ? session.services.models.load(options.model, undefined, { startAfter: first.drawn }) : null;
  startLoad?.catch(() => {}); // The app shows why; a failure before it has drawn is not unhandled.
  // Straight into a chat without a model: say there why nothing will answer (the model screen
  // shows it all otherwise). Probing the machine takes a moment, so the chat draws first.
  const startNotice = !options.model && options.character ? noModelNotice(options, io.env) : null;
  startNotice?.catch(() => {});
  const keybindings = resolveKeybindings(await readKeybindingSettings(dataPaths(dataDir(io.env)).settings));
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
        services={first.services}
        stdout={process.stdout}
        color={colorEnabled(io.env, process.stdout)}
        start={options.character ? { characterId: options.character } : null}
        startLoad={startLoad}
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
    await session.close();
    process.off("SIGHUP", onSignal);
    process.off("SIGTERM", onSignal);
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write("\x1b[?25h");
  }
}
