import React from "react";
import { Box, Text } from "ink";
import { keyDescriptions, type KeyAction, type Keybindings } from "./keybindings.ts";
import type { SlashCommand } from "../commands/command.ts";

const COLUMN = 37;
const KEY_WIDTH = 12;

/** "ctrl+c       Stop reply…" cut to one help column. */
function helpCell(keys: string[], description: string): string {
  const spec = keys.join(",");
  const cell = `${spec.padEnd(KEY_WIDTH)} ${description}`;
  return cell.length > COLUMN ? `${cell.slice(0, COLUMN - 1)}…` : cell.padEnd(COLUMN);
}

/** Every key (as currently bound) in two columns, and every slash command: fits 80x24. */
export function HelpOverlay({ bindings, commands }: { bindings: Keybindings; commands: SlashCommand[] }) {
  const cells = (Object.keys(keyDescriptions) as KeyAction[]).map((a) => helpCell(bindings[a], keyDescriptions[a]));
  const half = Math.ceil(cells.length / 2);
  const rows = cells.slice(0, half).map((left, i) => `${left}  ${cells[half + i] ?? ""}`.trimEnd());
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1} width={80}>
      <Text bold>Keys (Esc or ? closes; * with the input empty)</Text>
      {rows.map((row, i) => (
        <Text key={i}>{row}</Text>
      ))}
      <Text>{`Picked message (${bindings.select.join(",")}): Up/Down move, e edit, v $EDITOR, d delete, b branch`}</Text>
      <Text>Sampler panel: Up/Down pick, Left/Right or -/+ change, p next preset</Text>
      <Text>
        <Text bold>Commands: </Text>
        {commands.map((c) => `/${c.name}`).join("  ")}
      </Text>
    </Box>
  );
}
