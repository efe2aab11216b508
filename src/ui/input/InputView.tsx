import React from "react";
import { Box, Text } from "ink";
import type { InputState } from "./inputReducer.ts";
import { graphemeBoundaries } from "./inputReducer.ts";
import { textWindow, type TextWindow } from "../text/layout.ts";
import { inertForEditing } from "../../core/text/sanitize.ts";

export interface InputViewProps {
  state: InputState;
  color: boolean;
  busy: boolean;
  /** Columns for the text inside the box (the terminal's width minus border and padding). */
  width?: number;
  /** Most rows the text may take; a longer text shows a window around the cursor. */
  maxRows?: number;
  /** The layout, when the caller has it already. */
  view?: TextWindow;
}

/** The input box: text with an inverse-video cursor, clamped to a few rows around it. */
export function InputView({ state, color, busy, width = 76, maxRows = 6, view: given }: InputViewProps) {
  const { cursor } = state;
  // Edited text can come from strangers (a message, a lore entry): drawn inert, offsets unchanged.
  const text = inertForEditing(state.text);
  const view = given ?? textWindow(text, cursor, width, maxRows);
  const next = graphemeBoundaries(text).find((b) => b > cursor) ?? text.length;
  const under = text.slice(cursor, next);
  const cursorChar = under === "" || under === "\n" ? " " : under;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? (busy ? "gray" : "cyan") : undefined} paddingX={1}>
      {view.hiddenAbove > 0 ? <Text dimColor>{`↑ ${view.hiddenAbove} more rows`}</Text> : null}
      {view.rows.map((row, i) => {
        if (i !== view.cursorRow) return <Text key={row.start}>{text.slice(row.start, row.end) || " "}</Text>;
        const after = cursor + (under === "\n" ? 0 : under.length);
        return (
          <Text key={row.start}>
            {text.slice(row.start, cursor)}
            <Text inverse>{cursorChar}</Text>
            {text.slice(after, row.end)}
          </Text>
        );
      })}
      {view.hiddenBelow > 0 ? <Text dimColor>{`↓ ${view.hiddenBelow} more rows`}</Text> : null}
    </Box>
  );
}
