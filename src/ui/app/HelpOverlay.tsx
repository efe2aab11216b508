import React from "react";
import { Box, Text } from "ink";
import { keyDescriptions, type KeyAction, type Keybindings } from "./keybindings.ts";
import type { SlashCommand } from "../commands/command.ts";

/** Every key (as currently bound) and every slash command. */
export function HelpOverlay({ bindings, commands }: { bindings: Keybindings; commands: SlashCommand[] }) {
  const actions = Object.keys(keyDescriptions) as KeyAction[];
  return (
    <Box flexDirection="column" borderStyle="single" paddingX={1} width={80}>
      <Text bold>Keys (Esc or ? closes)</Text>
      {actions.map((a) => (
        <Text key={a}>{`${bindings[a].join(", ").padEnd(18)} ${keyDescriptions[a]}`}</Text>
      ))}
      <Text>
        <Text bold>Commands: </Text>
        {commands.map((c) => `/${c.name}`).join("  ")}
      </Text>
    </Box>
  );
}
