/**
 * How deep parsed JSON nests, measured without recursion. JSON.parse accepts a card
 * nested 10,000 levels deep, and every recursive walk after it (copying, exporting,
 * showing) then overflows the stack: such files are refused where they come in, by
 * import and by every read, with the same limit, so what imports can also be read.
 */
export const MAX_JSON_DEPTH = 100;

/** The nesting depth when it exceeds `limit`, else undefined. */
export function excessiveDepth(value: unknown, limit = MAX_JSON_DEPTH): number | undefined {
  const stack: Array<[unknown, number]> = [[value, 1]];
  let deepest = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > deepest) deepest = depth;
    if (deepest > limit) break;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return deepest > limit ? deepest : undefined;
}

export function depthProblem(value: unknown, limit = MAX_JSON_DEPTH): string | undefined {
  return excessiveDepth(value, limit) === undefined ? undefined : `nested more than ${limit} levels deep; refused (no card, book or chat needs that)`;
}
