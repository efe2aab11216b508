import React, { useEffect, useState } from "react";
import { LinesPanel } from "./LinesPanel.tsx";
import { displayText } from "../../core/text/sanitize.ts";
import { formatBytes, progressBar } from "../../core/units/format.ts";
import type { ModelDetails, RemoteDetails } from "../../app/models.ts";
import type { TurnReport } from "../../app/turns/playTurn.ts";

/** The loaded model at a glance: where it runs, what memory it takes, how full the context is, how fast the last turn was. */
export function modelPanelLines(details: ModelDetails | RemoteDetails | null, turn: TurnReport | null): string[] {
  if (!details) return ["No model loaded: /model NAME loads one, or the model screen (Ctrl+O, then m)."];
  if ("remote" in details) return remoteLines(details, turn);
  const gpu = details.backend === "cpu" ? "" : details.gpuNames.length ? ` (${details.gpuNames.join(", ")})` : "";
  const vram =
    details.backend === "cpu"
      ? "VRAM: none used (CPU backend)"
      : `VRAM: ${formatBytes(details.modelVramBytes)} for this model · GPU ${formatBytes(details.vramUsedBytes)} used, ${formatBytes(details.vramFreeBytes)} free of ${formatBytes(details.vramTotalBytes)}`;
  const fraction = details.contextSize > 0 ? details.contextUsed / details.contextSize : 0;
  const threads = `${details.threads} ${details.threads === 1 ? "thread" : "threads"}`;
  const lines = [
    `Model: ${details.name} · ${details.backend}${gpu} · weights ${formatBytes(details.weightsBytes)}`,
    vram,
    `Layers on the GPU: ${details.gpuLayers}/${details.totalLayers} · ${threads}`,
    `Context: ${progressBar(fraction, 24)} ${details.contextUsed}/${details.contextSize} (${Math.round(fraction * 100)}%)`,
  ];
  if (!turn) lines.push("Last turn: none yet (speed, prompt time and cache reuse show after a reply)");
  else {
    const reused = Math.max(0, turn.promptTokens - turn.evaluatedTokens);
    const speed = turn.tokensPerSecond !== undefined ? `${turn.tokensPerSecond.toFixed(1)} tok/s` : "speed unknown";
    const prompt = turn.promptMs !== undefined ? `prompt eval ${Math.round(turn.promptMs)} ms` : "prompt eval time unknown";
    lines.push(`Last turn: ${speed} · ${prompt} · ${reused} of ${turn.promptTokens} prompt tokens reused from the KV cache`);
  }
  return lines.map(displayText);
}

function remoteLines(details: RemoteDetails, turn: TurnReport | null): string[] {
  const lines = [`Model: ${details.name} · served by ${details.server} · context ${details.contextSize}`, ...details.notes.slice(1)];
  if (!turn) lines.push("Last turn: none yet (speed shows after a reply)");
  else lines.push(`Last turn: ${turn.tokensPerSecond !== undefined ? `${turn.tokensPerSecond.toFixed(1)} tok/s` : "speed unknown"} · ${turn.promptTokens} prompt tokens sent`);
  return lines.map(displayText);
}

/** The panel fetches the live figures each time it opens, and again when `refresh` changes. */
export function ModelPanel(props: { details: () => Promise<ModelDetails | RemoteDetails | null>; turn: TurnReport | null; refresh: unknown; color: boolean }) {
  const [state, setState] = useState<{ details: ModelDetails | RemoteDetails | null; error: string | null } | null>(null);
  useEffect(() => {
    let live = true;
    props.details().then(
      (details) => live && setState({ details, error: null }),
      (error: Error) => live && setState({ details: null, error: error.message }),
    );
    return () => void (live = false);
  }, [props.details, props.refresh]);
  const lines = state === null ? ["Reading the model's figures…"] : state.error ? [`Could not read the model's figures: ${displayText(state.error)}`] : modelPanelLines(state.details, props.turn);
  return <LinesPanel lines={lines} borderColor="green" color={props.color} />;
}
