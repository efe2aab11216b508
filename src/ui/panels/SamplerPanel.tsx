import React from "react";
import { Box, Text } from "ink";
import type { SamplerSettings } from "../../core/samplers/types.ts";
import { displayText } from "../../core/text/sanitize.ts";
import { listWindow } from "../components/listWindow.ts";
import { formatSampler, rowLabel, samplerRows } from "./samplerPanel.ts";

export interface SamplerPanelProps {
  samplers: SamplerSettings;
  selected: number;
  /** The chat's preset, if one was picked. */
  preset: string | null;
  maxLines: number;
  color: boolean;
}

/** Sampler settings, one per row; the selected row is marked and changes live. */
export function SamplerPanel(props: SamplerPanelProps) {
  const [start, end] = listWindow(samplerRows.length, props.selected, Math.max(3, props.maxLines - 4));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={props.color ? "green" : undefined} paddingX={1}>
      <Text bold>{`Samplers · preset ${displayText(props.preset ?? "(none)")}`}</Text>
      {samplerRows.slice(start, end).map((row, i) => {
        const at = start + i === props.selected;
        return (
          <Text key={row.key} inverse={at && props.color} bold={at}>
            {`${at ? ">" : " "} ${rowLabel(row).padEnd(20)} ${formatSampler(props.samplers, row)}`}
          </Text>
        );
      })}
      <Text dimColor>Up/Down pick · Left/Right or -/+ change · p next preset · Esc closes</Text>
    </Box>
  );
}
