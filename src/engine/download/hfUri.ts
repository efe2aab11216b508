/** What `hf:USER/REPO[:QUANT]` names; `:QUANT` may also be a file name ending in .gguf. */
export interface HfUri {
  repo: string;
  quant?: string;
  file?: string;
}

export class HfUriError extends Error {
  constructor(readonly uri: string, reason: string) {
    super(`"${uri}": ${reason} (expected hf:USER/REPO or hf:USER/REPO:QUANT, e.g. hf:bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M)`);
    this.name = "HfUriError";
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

export function parseHfUri(uri: string): HfUri {
  const body = uri.replace(/^hf:(\/\/)?/i, "").replace(/^https?:\/\/huggingface\.co\//i, "");
  if (body === uri && !uri.startsWith("hf")) throw new HfUriError(uri, "not an hf: address");
  const [repoPart = "", selector, ...rest] = body.split(":");
  if (rest.length > 0) throw new HfUriError(uri, "too many ':'");
  const [user, name, ...extra] = repoPart.split("/");
  if (!user || !name || extra.length > 0 || !NAME.test(user) || !NAME.test(name)) {
    throw new HfUriError(uri, "the repository must be USER/REPO");
  }
  const repo = `${user}/${name}`;
  if (selector === undefined) return { repo };
  if (selector === "") throw new HfUriError(uri, "empty quant after ':'");
  if (/\.gguf$/i.test(selector)) {
    if (selector.split("/").some((s) => s === ".." || s === "")) throw new HfUriError(uri, "bad file path");
    return { repo, file: selector };
  }
  if (!/^[A-Za-z0-9_]+$/.test(selector)) throw new HfUriError(uri, `"${selector}" is not a quant name`);
  return { repo, quant: selector.toUpperCase() };
}
