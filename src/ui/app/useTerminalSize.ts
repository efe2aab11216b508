import { useEffect, useState } from "react";

export interface SizedStream {
  columns?: number;
  rows?: number;
  on(event: "resize", listener: () => void): unknown;
  off(event: "resize", listener: () => void): unknown;
}

/** Ink 6 has no window-size hook: read stdout's size and follow its resize event. */
export function useTerminalSize(stdout: SizedStream): { columns: number; rows: number } {
  const read = () => ({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on("resize", onResize);
    // A resize between the first render and this subscription would otherwise be missed.
    onResize();
    return () => void stdout.off("resize", onResize);
  }, [stdout]);
  return size;
}

/** Colour unless NO_COLOR is set (any value) or the terminal says it has none. */
export function colorEnabled(env: NodeJS.ProcessEnv, stdout: { hasColors?: () => boolean }): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stdout.hasColors ? stdout.hasColors() : true;
}
