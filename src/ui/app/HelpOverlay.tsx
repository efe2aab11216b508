import React from "react";
import { Box, Text } from "ink";
import { keyDescriptions, type KeyAction, type Keybindings } from "./keybindings.ts";
import type { SlashCommand } from "../commands/command.ts";

const KEY_WIDTH = 12;

/** "ctrl+c       Stop reply…" cut to one help column of `column` characters. */
function helpCell(keys: string[], description: string, column: number): string {
  const spec = keys.join(",");
  const cell = `${spec.padEnd(KEY_WIDTH)} ${description}`;
  return cell.length > column ? `${cell.slice(0, column - 1)}…` : cell.padEnd(column);
}

/** Every key (as currently bound) in two columns, and every slash command: fits 80x24, and narrower screens in width. */
export function HelpOverlay({ bindings, commands, columns = 80 }: { bindings: Keybindings; commands: SlashCommand[]; columns?: number }) {
  const width = Math.max(40, Math.min(80, columns));
  // Border and padding take four columns, the gap between the two columns two.
  const column = Math.floor((width - 6) / 2);
  // Below 80 columns the lines under the keys are said shorter, so the help keeps its height.
  const narrow = width < 80;
  const cells = (Object.keys(keyDescriptions) as KeyAction[]).map((a) => helpCell(bindings[a], keyDescriptions[a], column));
  const half = Math.ceil(cells.length / 2);
  const rows = cells.slice(0, half).map((left, i) => `${left}  ${cells[half + i] ?? ""}`.trimEnd());
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1} width={width}>
      {/* PgUp is not rebindable (src/ui/chat/keys/earlierKey.ts): said on the title row, so the help keeps its height in 80x24. */}
      <Text wrap="truncate-end">
        <Text bold>Keys (Esc or ? closes; * with the input empty)</Text> · pgup: earlier messages
      </Text>
      {rows.map((row, i) => (
        <Text key={i} wrap="truncate-end">{row}</Text>
      ))}
      {narrow ? (
        <Text wrap="truncate-end">{`Picked (${bindings.select.join(",")}): ↑↓ e edit v $EDITOR d delete b branch`}</Text>
      ) : (
        <Text>{`Picked message (${bindings.select.join(",")}): Up/Down move, e edit, v $EDITOR, d delete, b branch`}</Text>
      )}
      <Text wrap="truncate-end">{narrow ? "Samplers: ↑↓ pick, ←→ or -/+ change, p next preset" : "Sampler panel: Up/Down pick, Left/Right or -/+ change, p next preset"}</Text>
      <Text>
        <Text bold>Commands: </Text>
        {commands.map((c) => `/${c.name}`).join(narrow ? " " : "  ")}
      </Text>
    </Box>
  );
}
