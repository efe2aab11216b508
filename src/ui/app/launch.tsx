import React from "react";
import { render } from "ink";
import type { CliIO } from "../../cli/command.ts";
import type { TuiOptions } from "../../cli/commands/tuiCommand.ts";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { App } from "./App.tsx";
import { createServices } from "./createServices.ts";
import { resolveKeybindings } from "./keybindings.ts";
import { readKeybindingSettings } from "../../store/keybindingSettings.ts";
import { dataPaths, dataDir } from "../../store/paths.ts";
import { colorEnabled } from "./useTerminalSize.ts";

const defaultSamplers: SamplerSettings = {
  temperature: 0.8, topK: 40, topP: 0.95, minP: 0.05, repeatPenalty: 1.1, repeatLastN: 64, frequencyPenalty: 0, presencePenalty: 0,
  dryMultiplier: 0, dryBase: 1.75, dryAllowedLength: 2, dryLastN: -1, drySequenceBreakers: ["\n", ":", "\"", "*"], xtcProbability: 0, xtcThreshold: 0.1, seed: -1, maxTokens: 400,
};

/** Renders the app and resolves once it has closed, with the terminal restored on every path. */
export async function launchTui(options: TuiOptions, io: CliIO): Promise<number> {
  const services = createServices(options);
  const keybindings = resolveKeybindings(await readKeybindingSettings(dataPaths(dataDir(io.env)).settings));
  let instance: ReturnType<typeof render> | undefined;
  const quit = () => instance?.unmount();
  const onSignal = () => quit();
  process.once("SIGHUP", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    instance = render(
      <App
        services={services}
        stdout={process.stdout}
        color={colorEnabled(io.env, process.stdout)}
        characterName={options.character ?? "Assistant"}
        personaName={io.env.USER ?? "You"}
        samplers={defaultSamplers}
        keybindings={keybindings}
        onQuit={quit}
      />,
      { exitOnCtrlC: false, patchConsole: true },
    );
    await instance.waitUntilExit();
    return 0;
  } finally {
    process.off("SIGHUP", onSignal);
    process.off("SIGTERM", onSignal);
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write("\x1b[?25h");
  }
}
