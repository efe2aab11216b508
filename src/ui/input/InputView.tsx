import React from "react";
import { Box, Text } from "ink";
import type { InputState } from "./inputReducer.ts";
import { graphemeBoundaries } from "./inputReducer.ts";

/** The input box: text with an inverse-video cursor, one row per line. */
export function InputView({ state, color, busy }: { state: InputState; color: boolean; busy: boolean }) {
  const { text, cursor } = state;
  const next = graphemeBoundaries(text).find((b) => b > cursor) ?? text.length;
  const under = text.slice(cursor, next);
  const cursorChar = under === "" || under === "\n" ? " " : under;
  return (
    <Box borderStyle="round" borderColor={color ? (busy ? "gray" : "cyan") : undefined} paddingX={1}>
      <Text>
        {text.slice(0, cursor)}
        <Text inverse>{cursorChar}</Text>
        {under === "\n" ? "\n" : ""}
        {text.slice(next)}
      </Text>
    </Box>
  );
}
