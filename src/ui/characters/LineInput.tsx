import React from "react";
import { Text } from "ink";
import { graphemeBoundaries } from "../input/inputReducer.ts";

/** A one-line prompt with an inverse-video cursor (a search, a path). */
export function LineInput({ prompt, state }: { prompt: string; state: { text: string; cursor: number } }) {
  const { text, cursor } = state;
  const next = graphemeBoundaries(text).find((b) => b > cursor) ?? text.length;
  return (
    <Text wrap="truncate-start">
      <Text bold>{prompt}</Text>
      {text.slice(0, cursor)}
      <Text inverse>{text.slice(cursor, next) || " "}</Text>
      {text.slice(next)}
    </Text>
  );
}
