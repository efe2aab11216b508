/** The model screen's and model panel's text, as pure functions of the figures. */
import { formatBytes, formatDuration, formatRate, progressBar } from "../../core/units/format.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { textWidth, truncateToWidth } from "../text/layout.ts";
import { formatParameters, remoteLabel, type CurrentModel, type LibraryModel, type MachineFacts, type ModelDownloadProgress, type ModelLoading, type ModelVerdict } from "../../app/models.ts";

export function machineLine(machine: MachineFacts): string {
  const ram = `RAM ${formatBytes(machine.ramBytes)}`;
  const cores = `${machine.cpuCores} ${machine.cpuCores === 1 ? "core" : "cores"}`;
  if (machine.gpu === false || machine.vramBytes === 0) return `Machine: CPU only · ${ram} · ${cores}`;
  const names = machine.gpuNames?.length ? ` · ${displayText(machine.gpuNames.join(", "))}` : "";
  const free = machine.freeVramBytes !== undefined ? ` (${formatBytes(machine.freeVramBytes)} free)` : "";
  return `Machine: ${machine.gpu}${names} · VRAM ${formatBytes(machine.vramBytes)}${free} · ${ram} · ${cores}`;
}

export function loadedLine(model: CurrentModel | null): string {
  if (!model) return "No model loaded";
  return `Loaded: ${displayText(model.name)} · ${describePlan(model)}`;
}

/** The server chats go to: "Server: koboldcpp at 10.0.0.5:5001 · Mistral-Nemo · 16384 context". */
export function serverLine(remote: { name: string; api: string; url: string; contextSize: number }): string {
  return `Server: ${displayText(remoteLabel(remote))} · ${displayText(remote.name)} · ${remote.contextSize} context`;
}

/** "Loading tiny.gguf… 42%". */
export function loadingLine(loading: ModelLoading): string {
  return `Loading ${displayText(loading.name)}… ${Math.floor(loading.fraction * 100)}%`;
}

/** "cpu · 0/2 layers on the GPU · 512 context · 1 thread". */
export function describePlan(model: CurrentModel): string {
  const threads = `${model.threads} ${model.threads === 1 ? "thread" : "threads"}`;
  return `${model.backend} · ${model.gpuLayers}/${model.totalLayers} layers on the GPU · ${model.contextSize} context · ${threads}`;
}

/** The planner's explanation after a load: what it chose, then why, then what would help. */
export function planExplanation(model: CurrentModel): string[] {
  return [
    `Loaded ${displayText(model.name)}: ${describePlan(model)}`,
    ...(model.reasons.length ? [`Why: ${model.reasons.join("; ")}`] : []),
    ...(model.suggestions.length ? [`To do better: ${model.suggestions.join("; ")}`] : []),
  ];
}

/** One library row: name and what the file is, then its verdict. */
export function libraryRow(model: LibraryModel, loaded: boolean): { label: string; detail: string } {
  const label = `${loaded ? "●" : " "} ${displayText(model.name)}`;
  if (model.error) return { label, detail: `${formatBytes(model.sizeBytes)} · unreadable` };
  const facts = [
    formatBytes(model.sizeBytes),
    [model.architecture, model.parameters ? formatParameters(model.parameters) : undefined, model.quant].filter(Boolean).join(" "),
    model.verdict ? shortVerdict(model.verdict) : "fit unknown",
  ].filter(Boolean);
  return { label, detail: displayText(facts.join(" · ")) };
}

/** The verdict in a few words, so a row fits 80 columns: "fits the GPU, 8192 ctx", "partly 20/41 layers, 8192 ctx". */
export function shortVerdict(verdict: ModelVerdict): string {
  const ctx = `${verdict.contextSize} ctx`;
  switch (verdict.fit) {
    case "full":
      return `fits the GPU, ${ctx}`;
    case "partial":
      return `partly ${verdict.gpuLayers}/${verdict.totalLayers} layers, ${ctx}`;
    case "cpu":
      return `CPU, ${ctx}`;
    case "none":
      return "does not fit";
  }
}

/** What the selected row says in full: the verdict and its reason, or why the file is unusable. */
export function libraryDetail(model: LibraryModel): string {
  if (model.error) return displayText(model.error);
  const parts = model.parts > 1 ? ` (${model.parts} parts)` : "";
  const context = model.trainContext ? `; trained for ${model.trainContext} context` : "";
  const verdict = model.verdict ? `${model.verdict.summary}: ${model.verdict.reason}` : "no verdict";
  return displayText(`${verdict}${context}${parts}`);
}

/** "[#####.....]  42%  1.93 GiB / 4.60 GiB  23.4 MiB/s  ETA 1m54s". */
export function downloadLine(p: ModelDownloadProgress, barWidth = 20): string {
  const fraction = p.total > 0 ? p.bytes / p.total : 0;
  const parts = p.parts > 1 ? `  part ${p.part}/${p.parts}` : "";
  return `${progressBar(fraction, barWidth)} ${`${Math.floor(fraction * 100)}%`.padStart(4)}  ${formatBytes(p.bytes)} / ${formatBytes(p.total)}  ${formatRate(p.bytesPerSecond)}  ETA ${formatDuration(p.etaSeconds)}${parts}`;
}

/** Splits text into lines of at most `width` columns at spaces, keeping at most `max` lines. */
export function wrapText(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && textWidth(line) + 1 + textWidth(word) > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length <= max) return lines;
  const kept = lines.slice(0, max);
  kept[max - 1] = `${truncateToWidth(kept[max - 1]!, width - 1).replace(/…$/, "")}…`;
  return kept;
}
