/**
 * What of a chat's samplers the built-in engine (node-llama-cpp 3.21.1) cannot apply, in
 * words, so the user is told once instead of getting different output in silence. Its
 * sampler chain is fixed: bias -> penalties -> DRY -> top-k -> top-p -> min-p -> XTC ->
 * temperature (llama/addon/AddonSampler.cpp); it has no typical-p, TFS, top-a, mirostat,
 * dynamic temperature or smoothing, and a banned string would need backtracking.
 */
import { samplerTable, type SamplerSpec } from "./table.ts";
import type { SamplerSettings } from "./types.ts";

/** The engine's order of the samplers it has, in llama.cpp's names. */
export const ENGINE_ORDER = ["top_k", "top_p", "min_p", "xtc", "temperature"] as const;
type Ordered = (typeof ENGINE_ORDER)[number];

/** Pairs whose order never changes the outcome (each keeps a prefix of the same ranking). */
const COMMUTING = new Set(["top_k+temperature", "temperature+top_k", "top_k+min_p", "min_p+top_k"]);

const LABEL: Record<Ordered, string> = { top_k: "top-k", top_p: "top-p", min_p: "min-p", xtc: "XTC", temperature: "temperature" };

function active(s: SamplerSettings, name: Ordered): boolean {
  switch (name) {
    case "top_k": return s.topK > 0;
    case "top_p": return s.topP < 1;
    case "min_p": return s.minP > 0;
    case "xtc": return s.xtcProbability > 0;
    case "temperature": return s.temperature > 0 && s.temperature !== 1;
  }
}

/** "temperature before min-p" for each pair the wanted order runs the other way round, where that changes the outcome. */
export function orderDifferences(s: SamplerSettings): string[] {
  const wanted = s.samplerOrder.filter((n): n is Ordered => (ENGINE_ORDER as readonly string[]).includes(n) && active(s, n as Ordered));
  const out: string[] = [];
  wanted.forEach((a, i) => {
    for (const b of wanted.slice(i + 1)) {
      if (ENGINE_ORDER.indexOf(a) > ENGINE_ORDER.indexOf(b) && !COMMUTING.has(`${a}+${b}`)) out.push(`${LABEL[a]} before ${LABEL[b]}`);
    }
  });
  return out;
}

const shown = (spec: SamplerSpec, value: number) => `${spec.name} ${value}`;

/** The quoted lines of a ban list: strings to ban as a whole. */
export const bannedStrings = (s: Pick<SamplerSettings, "bannedTokens">) => s.bannedTokens.filter((l) => l.length >= 2 && l.startsWith('"') && l.endsWith('"'));

/**
 * One phrase per setting the engine cannot apply: "typical-p 0.9", "mirostat 2 (tau 5,
 * eta 0.1)", "sampler order (temperature before min-p)"; [] when it applies them all.
 */
export function notAppliedSamplers(s: SamplerSettings): string[] {
  const out: string[] = [];
  samplerTable.forEach((spec, i) => {
    if (spec.applied !== false || spec.sub || s[spec.key] === spec.off) return;
    const subs: string[] = [];
    for (const next of samplerTable.slice(i + 1)) {
      if (!next.sub) break;
      subs.push(`${next.label} ${s[next.key]}`);
    }
    out.push(shown(spec, s[spec.key]) + (subs.length ? ` (${subs.join(", ")})` : ""));
  });
  const strings = bannedStrings(s);
  if (strings.length) out.push(`banned strings ${strings.join(", ")} (a string ban needs backtracking)`);
  const order = orderDifferences(s);
  if (s.mirostatMode === 0 && order.length) out.push(`sampler order (${order.join(", ")}; the engine runs ${ENGINE_ORDER.map((n) => LABEL[n]).join(", ")})`);
  return out;
}

/** The one line the chat and `taproom chat` show, or undefined when everything applies. */
export function notAppliedNotice(s: SamplerSettings): string | undefined {
  const list = notAppliedSamplers(s);
  return list.length ? `Not applied by the built-in engine: ${list.join("; ")}` : undefined;
}
