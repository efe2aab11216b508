import { quantInfo, type QuantInfo } from "./table.ts";

const QUANT_LABEL = /^(?:I?Q\d(?:_[A-Z0-9]+)*|F16|BF16|F32)$/i;
const SPLIT = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/i;

export interface SplitName {
  /** The name without the `-00001-of-00003.gguf` tail. */
  base: string;
  /** 1-based part number. */
  part: number;
  total: number;
}

/** `Model-Q4_K_M-00002-of-00003.gguf` -> {base "Model-Q4_K_M", part 2, total 3}. */
export function parseSplitName(fileName: string): SplitName | undefined {
  const match = SPLIT.exec(baseName(fileName));
  if (!match) return undefined;
  const part = Number(match[2]);
  const total = Number(match[3]);
  if (part < 1 || total < 1 || part > total) return undefined;
  return { base: match[1] ?? "", part, total };
}

/**
 * The quant label a file name carries, upper-cased ("Q4_K_M", "IQ3_M", "BF16"),
 * also for labels this table does not know ("Q4_K_XL"). The last label wins, so
 * `Q8_0-model-Q4_K_M.gguf` is Q4_K_M. Folders count too: split models often sit in
 * `Model-Q8_0/Model-Q8_0-00001-of-00002.gguf`.
 */
export function quantLabelFromFileName(path: string): string | undefined {
  const tokens = path.replace(/\.gguf$/i, "").split(/[-./\\ ]+/);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i] ?? "";
    if (/^\d{5}$/.test(token) || token.toLowerCase() === "of") continue;
    if (QUANT_LABEL.test(token)) return token.toUpperCase();
  }
  return undefined;
}

/** The known quant a file name carries, if any. */
export function quantFromFileName(path: string): QuantInfo | undefined {
  const label = quantLabelFromFileName(path);
  return label ? quantInfo(label) : undefined;
}

function baseName(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}
