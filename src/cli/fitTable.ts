import { formatKld, formatSpeed, type MachineBandwidths, type QuantChoice, type QuantFit, type ShapeSource } from "../app/planning.ts";
import { formatParameters, headDimension, kvCacheBytes, perplexityIncreasePercent, qualityLoss, type ArchitectureShape } from "../app/planning.ts";
import { formatBytes } from "../core/units/format.ts";

/** Layers on the GPU: "all", "32/41", "none" (CPU only), "no fit" (too big for the machine). */
export function describeFit(fit: QuantFit): string {
  if (!fit.runnable) return "no fit";
  if (fit.fitsFully) return "all";
  if (fit.gpuLayers === 0) return "none";
  return `${fit.gpuLayers}/${fit.totalLayers}`;
}

/** The candidates table `fit` and `pull` print; `chosen` is marked with "*". */
export function formatFitTable(fits: QuantFit[], chosen?: QuantFit): string {
  const rows = fits.map((f) => [
    `${f === chosen ? "*" : " "} ${f.quant.name}`,
    formatBytes(f.fileBytes),
    describeFit(f),
    f.runnable ? formatSpeed(f.tokensPerSecond) : "-",
    qualityLoss(f.quant),
    formatKld(f.quant.kld),
    f.maxFullContext > 0 ? String(f.maxFullContext) : "-",
    f.runnable ? formatBytes(f.vramBytes) : "-",
    f.runnable ? formatBytes(f.ramBytes) : "-",
  ]);
  const header = ["  Quant", "File", "On GPU", "Tok/s", "Loss", "KLD", "Max GPU ctx", "VRAM", "RAM"];
  const left = new Set([0, 4, 5]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}

/** The choice in one line, why in one sentence, and the runner-up on either side. */
export function formatChoice(choice: QuantChoice, fileLabel?: string): string {
  const lines: string[] = [];
  const chosen = choice.chosen;
  if (chosen) {
    const loss = `${qualityLoss(chosen.quant)} loss (KL divergence ${formatKld(chosen.quant.kld)}, perplexity +${perplexityIncreasePercent(chosen.quant).toFixed(1)}%)`;
    lines.push(`Choice: ${fileLabel ?? chosen.quant.name} (${formatBytes(chosen.fileBytes)}): about ${formatSpeed(chosen.tokensPerSecond)} tokens/s, ${layersPhrase(chosen)}, ${loss}.`);
  }
  lines.push(`Why: ${choice.reason}`);
  const { better, worse } = choice.runnersUp;
  if (better) lines.push(`Runner-up above: ${better.fit.quant.name}, ${better.why}.`);
  if (worse) lines.push(`Runner-up below: ${worse.fit.quant.name}, ${worse.why}.`);
  return `${lines.join("\n")}\n`;
}

function layersPhrase(fit: QuantFit): string {
  if (fit.fitsFully) return `all ${fit.totalLayers} layers on the GPU`;
  if (fit.gpuLayers === 0) return "all layers on the CPU";
  return `${fit.gpuLayers} of ${fit.totalLayers} layers on the GPU`;
}

/** The model's size and shape, where the shape came from, and its KV cache at the context. */
export function describeShape(options: { parameters: number; shape: ArchitectureShape; source: ShapeSource; contextSize: number; askedContext?: number }): string {
  const { shape, source } = options;
  const about = source === "header" ? "" : "about ";
  const from =
    source === "header"
      ? `from its GGUF header (${shape.id})`
      : source === "named"
        ? `${shape.like} (--arch)`
        : `assumed, a current GQA model like ${shape.like} (--arch or --kv-heads to change it)`;
  const kv = formatBytes(kvCacheBytes(shape, options.contextSize));
  const capped = options.askedContext !== undefined && options.askedContext > options.contextSize ? ` (capped at its train context; asked ${options.askedContext})` : "";
  return (
    `Model: ${about}${formatParameters(options.parameters)} parameters, ${shape.layers} layers, ${shape.kvHeads} KV heads x ${headDimension(shape)}\n` +
    `Shape: ${from}\n` +
    `KV cache: ${kv} at ${options.contextSize} tokens of context${capped}\n`
  );
}

/** Where the speed figures come from, so a reader can correct them. */
export function describeBandwidths(bandwidths: MachineBandwidths, minSpeed: number): string {
  const one = (label: string, b: { bytesPerSecond: number; source: string } | undefined) => (b ? `${label} ${Math.round(b.bytesPerSecond / 1e9)} GB/s (${b.source})` : "");
  const parts = [one("GPU", bandwidths.gpu), one("RAM", bandwidths.ram)].filter(Boolean).join(", ");
  return `Bandwidth: ${parts}\nSpeed floor: ${minSpeed} tokens/s (--min-speed; --gpu-bandwidth and --ram-bandwidth correct the figures above)\n`;
}

/** One candidate as `--json` carries it. */
export function fitRow(f: QuantFit) {
  return {
    quant: f.quant.name,
    bitsPerWeight: f.quant.bitsPerWeight,
    fileBytes: f.fileBytes,
    fit: f.fitsFully ? "full" : f.runnable ? (f.gpuLayers > 0 ? "partial" : "cpu") : "none",
    gpuLayers: f.gpuLayers,
    totalLayers: f.totalLayers,
    contextSize: f.contextSize,
    maxFullContext: f.maxFullContext,
    vramBytes: Math.round(f.vramBytes),
    ramBytes: Math.round(f.ramBytes),
    tokensPerSecond: Math.round(f.tokensPerSecond * 10) / 10,
    quality: { loss: qualityLoss(f.quant), kld: f.quant.kld, perplexityIncreasePercent: Math.round(perplexityIncreasePercent(f.quant) * 100) / 100 },
    reasons: f.reasons,
  };
}

/** The choice and its table as `fit --json` and `pull --dry-run --json` carry them. */
export function choiceJson(choice: QuantChoice, bandwidths: MachineBandwidths) {
  const side = (r: QuantChoice["runnersUp"]["better"]) => (r ? { quant: r.fit.quant.name, tokensPerSecond: Math.round(r.fit.tokensPerSecond * 10) / 10, why: r.why } : null);
  const bandwidth = (b: MachineBandwidths["ram"] | undefined) => (b ? { gbPerSecond: b.bytesPerSecond / 1e9, source: b.source, assumed: b.assumed } : null);
  return {
    minTokensPerSecond: choice.minSpeed,
    bandwidth: { gpu: bandwidth(bandwidths.gpu), ram: bandwidth(bandwidths.ram) },
    choice: choice.chosen ? fitRow(choice.chosen) : null,
    reason: choice.reason,
    runnersUp: { better: side(choice.runnersUp.better), worse: side(choice.runnersUp.worse) },
    quants: choice.table.map(fitRow),
  };
}
