import { parseSplitName, quantInfo, quantLabelFromFileName, type QuantInfo } from "../quants/index.ts";
import type { RepoFile } from "./hubClient.ts";

/** One downloadable model of a repository: a single .gguf or all parts of a split one. */
export interface RepoModel {
  /** The file name, or the split's base name ("Model-Q8_0" for its -0000N-of-0000M parts). */
  name: string;
  /** Upper-case label from the file name, known to the quant table or not. */
  quantLabel?: string;
  quant?: QuantInfo;
  /** In part order. */
  files: RepoFile[];
  totalBytes: number;
  /** Part numbers the listing lacks; such a model cannot be downloaded whole. */
  missingParts: number[];
}

/** Projector and adapter files are GGUF too, but not models to chat with. */
const NOT_A_MODEL = /(^|[-_./])(mmproj|imatrix|lora)([-_.]|$)/i;

export function groupRepoModels(files: RepoFile[]): RepoModel[] {
  const groups = new Map<string, { files: RepoFile[]; total: number }>();
  for (const file of files) {
    if (!/\.gguf$/i.test(file.path) || NOT_A_MODEL.test(file.path)) continue;
    const split = parseSplitName(file.path);
    const key = split ? `${file.path.slice(0, file.path.lastIndexOf("/") + 1)}${split.base}` : file.path;
    const group = groups.get(key) ?? { files: [], total: split?.total ?? 1 };
    group.files.push(file);
    groups.set(key, group);
  }
  return [...groups.entries()].map(([key, group]) => toRepoModel(key, group.files, group.total));
}

function toRepoModel(key: string, files: RepoFile[], total: number): RepoModel {
  const ordered = [...files].sort((a, b) => (parseSplitName(a.path)?.part ?? 1) - (parseSplitName(b.path)?.part ?? 1));
  const present = new Set(ordered.map((f) => parseSplitName(f.path)?.part ?? 1));
  const missingParts = Array.from({ length: total }, (_, i) => i + 1).filter((n) => !present.has(n));
  const quantLabel = quantLabelFromFileName(key);
  const quant = quantLabel ? quantInfo(quantLabel) : undefined;
  return {
    name: key.split("/").pop() ?? key,
    ...(quantLabel ? { quantLabel } : {}),
    ...(quant ? { quant } : {}),
    files: ordered,
    totalBytes: ordered.reduce((sum, f) => sum + f.size, 0),
    missingParts,
  };
}
