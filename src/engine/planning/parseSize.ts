/**
 * "12GB", "12G", "12 GiB", "8192MB", "1.5T" -> bytes. Memory is sold in binary units
 * whatever the label says (a "12 GB" card has 12 GiB), so GB and GiB both mean 2^30.
 * A bare number is bytes. Undefined when the text is not a size.
 */
export function parseMemorySize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  if (!match) return undefined;
  const power = "BKMGT".indexOf((match[2] || "B").toUpperCase());
  const bytes = Number(match[1]) * 1024 ** power;
  return Number.isFinite(bytes) ? Math.round(bytes) : undefined;
}
