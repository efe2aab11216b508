import { basename } from "node:path";
import { parseCommandArgs, parseIntegerFlag } from "../args.ts";
import { UsageError, type CliCommand, type CliIO } from "../command.ts";
import type { StartOptions } from "../../app/options.ts";
import { tuiHelp } from "./help.ts";

/** The app's start options as the command line gives them (no "auto" GPU: that is the default). */
import { backendFlagOptions, readBackendFlags } from "../backendFlags.ts";

export interface TuiOptions extends StartOptions {
  gpu?: "cuda" | "vulkan" | "metal" | "cpu";
}

export interface TuiTerminal {
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean };
}

/** Starts the interactive app and resolves with its exit code once it has closed. */
export type TuiLauncher = (options: TuiOptions, io: CliIO) => Promise<number>;

export const notATerminalMessage = `taproom: the app needs an interactive terminal (stdin and stdout must be a TTY).
For scripts and pipes use the headless command, which prints only the reply:
  taproom chat --model FILE --character NAME --message "Hello"
Run taproom chat --help for its options.
`;

function parseGpu(value: string | undefined): TuiOptions["gpu"] {
  if (value === undefined) return undefined;
  if (value === "cuda" || value === "vulkan" || value === "metal" || value === "cpu") return value;
  throw new UsageError(`--gpu must be cuda, vulkan, metal or cpu, got "${value}"`);
}

export function parseTuiOptions(argv: string[]): TuiOptions {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      model: { type: "string" },
      character: { type: "string" },
      "models-dir": { type: "string" },
      gpu: { type: "string" },
      context: { type: "string" },
      "gpu-layers": { type: "string" },
      threads: { type: "string" },
      ...backendFlagOptions,
    },
    true,
    ["help", "version"],
  );
  if (positionals.length > 0) throw new UsageError(`unknown command "${positionals[0]}"`);
  const options: TuiOptions = {
    model: values.model,
    character: values.character,
    modelsDir: values["models-dir"],
    gpu: parseGpu(values.gpu),
    contextSize: parseIntegerFlag("context", values.context),
    gpuLayers: parseIntegerFlag("gpu-layers", values["gpu-layers"]),
    threads: parseIntegerFlag("threads", values.threads),
  };
  const backend = readBackendFlags(values, process.env, options.contextSize);
  if (backend && options.model) throw new UsageError("use either --model FILE or --backend URL, not both");
  if (backend) options.backend = backend;
  for (const [flag, value] of [["context", options.contextSize], ["threads", options.threads]] as const) {
    if (value !== undefined && value < 1) throw new UsageError(`--${flag} must be at least 1, got ${value}`);
  }
  if (options.gpuLayers !== undefined && options.gpuLayers < 0) throw new UsageError(`--gpu-layers must be 0 or more, got ${options.gpuLayers}`);
  return options;
}

export function createTuiCommand(terminal: TuiTerminal, launch: TuiLauncher): CliCommand {
  return {
    ...tuiHelp,
    async run(argv, io) {
      const options = parseTuiOptions(argv);
      // Piped stdin reports isRawModeSupported as undefined and Ink's input would throw.
      if (terminal.stdin.isTTY !== true || terminal.stdout.isTTY !== true) {
        io.stderr.write(notATerminalMessage);
        return 2;
      }
      return launch(options, io);
    },
  };
}

export const tuiCommand: CliCommand = createTuiCommand({ stdin: process.stdin, stdout: process.stdout }, async (options, io) => {
  // Ink reads CI from the environment as it loads and then draws nothing until exit. A
  // person at a terminal (both ends are TTYs to get here) is not a CI job, whatever a
  // shell profile or a runner exported.
  for (const key of ["CI", "CONTINUOUS_INTEGRATION"]) delete process.env[key];
  const { launchTui } = await withoutFetch(() => import("../../ui/app/launch.tsx"));
  return launchTui(options, io);
});

/**
 * Ink's layout engine (yoga-layout's wasm loader) fetch()es its own inlined data: URL when
 * fetch exists, which first loads Node's whole HTTP client (undici), a twentieth of the
 * first frame. With fetch hidden while Ink loads, it decodes the bytes in place.
 */
async function withoutFetch<T>(load: () => Promise<T>): Promise<T> {
  const fetch = Object.getOwnPropertyDescriptor(globalThis, "fetch");
  if (!fetch?.configurable) return load();
  Object.defineProperty(globalThis, "fetch", { value: undefined, configurable: true, writable: true });
  try {
    return await load();
  } finally {
    Object.defineProperty(globalThis, "fetch", fetch);
  }
}

export const modelDisplayName = (file: string | undefined) => (file ? basename(file) : null);
