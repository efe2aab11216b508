/** Which rows of a long list to draw so the selected one is always visible: [start, end). */
export function listWindow(count: number, selected: number, height: number): [number, number] {
  const rows = Math.max(1, height);
  if (count <= rows) return [0, count];
  const start = Math.min(Math.max(0, selected - Math.floor(rows / 2)), count - rows);
  return [start, start + rows];
}

/** Moves a selection by `delta`, clamped to the list (an empty list keeps 0). */
export function moveSelection(count: number, selected: number, delta: number): number {
  if (count === 0) return 0;
  return Math.min(Math.max(0, selected + delta), count - 1);
}
