import type { QuantFit } from "../app/planning.ts";
import { formatBytes } from "../core/units/format.ts";

/** "fully on GPU", "partly: 21/41 layers on GPU", "CPU only", "does not fit". */
export function describeFit(fit: QuantFit): string {
  if (!fit.runnable) return "does not fit";
  if (fit.fitsFully) return "fully on GPU";
  if (fit.gpuLayers === 0) return "CPU only";
  return `partly: ${fit.gpuLayers}/${fit.totalLayers} layers on GPU`;
}

/** The alternatives table `fit` and `pull` print; `chosen` is marked with "*". */
export function formatFitTable(fits: QuantFit[], chosen?: QuantFit): string {
  const rows = fits.map((f) => [
    `${f === chosen ? "*" : " "} ${f.quant.name}`,
    formatBytes(f.fileBytes),
    describeFit(f),
    f.runnable ? String(f.contextSize) : "-",
    f.maxFullContext > 0 ? String(f.maxFullContext) : "-",
    f.runnable ? formatBytes(f.vramBytes) : "-",
    f.runnable ? formatBytes(f.ramBytes) : "-",
  ]);
  const header = ["  Quant", "File", "Fits", "Context", "Max GPU ctx", "VRAM", "RAM"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}
