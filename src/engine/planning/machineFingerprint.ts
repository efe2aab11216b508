import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { arch, availableParallelism, cpus, platform, release, totalmem } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Variables that change which GPUs llama.cpp sees, or which libraries it loads. */
const GPU_ENV = [
  "CUDA_VISIBLE_DEVICES", "HIP_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES", "GGML_VK_VISIBLE_DEVICES",
  "NODE_LLAMA_CPP_GPU", "LD_LIBRARY_PATH", "CUDA_PATH",
];

const VULKAN_ICD_DIRS = ["/usr/share/vulkan/icd.d", "/etc/vulkan/icd.d", "/usr/local/share/vulkan/icd.d"];

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8").trim();
  } catch {
    return "";
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

/** The NVIDIA driver's version and each GPU it drives (bus, model, UUID, BIOS; not the IRQ, which a reboot may change). */
function nvidiaFacts(): string[] {
  const lasting = (info: string) => info.split("\n").filter((line) => /^(Model|GPU UUID|Video BIOS):/.test(line)).join(";");
  const gpus = list("/proc/driver/nvidia/gpus").map((bus) => `${bus}:${lasting(readText(join("/proc/driver/nvidia/gpus", bus, "information")))}`);
  return [readText("/proc/driver/nvidia/version"), ...gpus];
}

/** Each display device the kernel knows (vendor and device id), and the drivers' module builds. */
function drmFacts(): string[] {
  const cards = list("/sys/class/drm")
    .filter((name) => /^(card|renderD)\d+$/.test(name))
    .map((name) => `${name}:${readText(`/sys/class/drm/${name}/device/vendor`)}:${readText(`/sys/class/drm/${name}/device/device`)}`);
  const modules = ["nvidia", "amdgpu", "i915", "xe", "radeon", "nouveau"].map((m) => `${m}:${readText(`/sys/module/${m}/version`) || readText(`/sys/module/${m}/srcversion`)}`);
  return [...cards, ...list("/dev/dri"), ...modules, `kfd:${existsSync("/dev/kfd")}`];
}

/** Where nvidia-smi is on the PATH, if anywhere: installing or removing a driver changes it. */
function nvidiaSmiPath(env: NodeJS.ProcessEnv): string {
  const name = platform() === "win32" ? "nvidia-smi.exe" : "nvidia-smi";
  for (const dir of (env.PATH ?? "").split(delimiter).filter(Boolean)) {
    try {
      if (statSync(join(dir, name)).isFile()) return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return "";
}

/** The llama.cpp builds installed beside node-llama-cpp (a CUDA or Vulkan build added later changes the answer). */
function llamaBuilds(): string[] {
  try {
    const entry = fileURLToPath(import.meta.resolve("node-llama-cpp"));
    let dir = dirname(entry);
    while (basename(dir) !== "node_modules" && dirname(dir) !== dir) dir = dirname(dir);
    const own = JSON.parse(readFileSync(join(dir, "node-llama-cpp", "package.json"), "utf8")) as { version?: string };
    return [`node-llama-cpp@${own.version ?? "?"}`, ...list(join(dir, "@node-llama-cpp"))];
  } catch {
    return ["node-llama-cpp: not found"];
  }
}

/**
 * What the machine probe's answer depends on, read in a few milliseconds without
 * loading llama.cpp: the processor and memory, the OS build, the GPUs the kernel sees
 * and their drivers' versions, the Vulkan drivers installed, nvidia-smi, the variables
 * that pick devices, and the llama.cpp builds installed. A change in any gives another
 * fingerprint, and the machine is probed again.
 */
export function machineFacts(env: NodeJS.ProcessEnv = process.env): string[] {
  const facts = [
    `${platform()} ${arch()} ${release()}`,
    `cpu:${cpus()[0]?.model ?? "?"} x${cpus().length} (${availableParallelism()} usable)`,
    `ram:${totalmem()}`,
    `nvidia-smi:${nvidiaSmiPath(env)}`,
    ...GPU_ENV.map((name) => `${name}=${env[name] ?? ""}`),
    ...llamaBuilds(),
  ];
  if (platform() === "linux") facts.push(...nvidiaFacts(), ...drmFacts(), ...VULKAN_ICD_DIRS.flatMap((dir) => list(dir).map((f) => `icd:${f}`)));
  return facts;
}

/** machineFacts() as one short hash. */
export function machineFingerprint(env: NodeJS.ProcessEnv = process.env): string {
  return createHash("sha256").update(machineFacts(env).join("\n")).digest("hex").slice(0, 32);
}
