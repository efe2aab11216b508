import React from "react";
import { Box, Text } from "ink";
import { listWindow } from "./listWindow.ts";

export interface SelectListItem {
  key: string;
  /** Already made safe for the terminal by the caller (displayText). */
  label: string;
  detail?: string;
}

export interface SelectListProps {
  items: SelectListItem[];
  selected: number;
  /** Rows the list may take; longer lists scroll around the selection. */
  height: number;
  color: boolean;
  /** Shown when there are no items. */
  empty?: string;
  /** Number the first nine rows (1-9 open them). */
  numbered?: boolean;
}

/** A scrolling list with one selected row, drawn in at most `height` rows. */
export function SelectList({ items, selected, height, color, empty, numbered }: SelectListProps) {
  if (items.length === 0) return <Text dimColor>{empty ?? "(none)"}</Text>;
  const [start, end] = listWindow(items.length, selected, height);
  return (
    <Box flexDirection="column">
      {items.slice(start, end).map((item, i) => {
        const index = start + i;
        const active = index === selected;
        const number = numbered ? (index < 9 ? `${index + 1} ` : "  ") : "";
        return (
          <Text key={item.key} wrap="truncate-end" inverse={active && !color} color={active && color ? "cyan" : undefined} bold={active}>
            {`${active ? "›" : " "} ${number}${item.label.replace(/[\r\n]+/g, " ")}`}
            {item.detail ? <Text dimColor>{`  ${item.detail}`}</Text> : null}
          </Text>
        );
      })}
      {end < items.length || start > 0 ? <Text dimColor>{`  ${selected + 1} of ${items.length}`}</Text> : null}
    </Box>
  );
}
