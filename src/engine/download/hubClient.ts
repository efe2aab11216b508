import { HubError } from "./errors.ts";

export const DEFAULT_HF_ENDPOINT = "https://huggingface.co";

export interface HubOptions {
  /** Base address of the hub; `HF_ENDPOINT` in the environment. */
  endpoint: string;
  /** `HF_TOKEN`: needed for gated and private repositories. */
  token?: string;
  revision?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export function hubOptionsFromEnv(env: NodeJS.ProcessEnv): HubOptions {
  const endpoint = (env.HF_ENDPOINT?.trim() || DEFAULT_HF_ENDPOINT).replace(/\/+$/, "");
  const token = env.HF_TOKEN?.trim() || env.HUGGING_FACE_HUB_TOKEN?.trim() || undefined;
  return token ? { endpoint, token } : { endpoint };
}

/** One file of a repository, as the hub's tree listing describes it. */
export interface RepoFile {
  path: string;
  size: number;
  /** The LFS object id, which is the sha256 of the content. */
  sha256?: string;
}

export function authHeaders(hub: HubOptions): Record<string, string> {
  return hub.token ? { authorization: `Bearer ${hub.token}` } : {};
}

export function fileUrl(hub: HubOptions, repo: string, path: string): string {
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  return `${hub.endpoint}/${repo}/resolve/${encodeURIComponent(hub.revision ?? "main")}/${encoded}`;
}

/**
 * Every file of a repository (recursively), from `GET /api/models/{repo}/tree/{rev}`,
 * following the `Link: <...>; rel="next"` pagination the hub uses for big repos.
 */
export async function listRepoFiles(options: { hub: HubOptions; repo: string; signal?: AbortSignal }): Promise<RepoFile[]> {
  const { hub, repo } = options;
  let url: string | undefined = `${hub.endpoint}/api/models/${repo}/tree/${encodeURIComponent(hub.revision ?? "main")}?recursive=true`;
  const files: RepoFile[] = [];
  for (let page = 0; url && page < 100; page++) {
    const response = await hubFetch({ hub, url, what: repo, signal: options.signal });
    const body: unknown = await response.json().catch(() => undefined);
    if (!Array.isArray(body)) throw new HubError(`${repo}: the hub's file listing is not a list (is ${hub.endpoint} a Hugging Face hub?)`, "bad-listing");
    for (const entry of body) {
      const file = toRepoFile(entry);
      if (file) files.push(file);
    }
    url = nextLink(response.headers.get("link"), url);
  }
  return files;
}

function toRepoFile(entry: unknown): RepoFile | undefined {
  if (!entry || typeof entry !== "object") return undefined;
  const e = entry as { type?: unknown; path?: unknown; size?: unknown; lfs?: { oid?: unknown; size?: unknown } };
  if (e.type !== "file" || typeof e.path !== "string") return undefined;
  const size = typeof e.lfs?.size === "number" ? e.lfs.size : e.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) return undefined;
  const oid = e.lfs?.oid;
  const sha256 = typeof oid === "string" && /^[0-9a-f]{64}$/i.test(oid) ? oid.toLowerCase() : undefined;
  return sha256 ? { path: e.path, size, sha256 } : { path: e.path, size };
}

function nextLink(header: string | null, current: string): string | undefined {
  const match = header && /<([^>]+)>\s*;\s*rel="?next"?/.exec(header);
  return match?.[1] ? new URL(match[1], current).toString() : undefined;
}

/** A GET with the token, whose failures are HubErrors saying what to do. */
export async function hubFetch(options: {
  hub: HubOptions;
  url: string;
  /** "USER/REPO" or "USER/REPO/FILE", named in errors. */
  what: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}): Promise<Response> {
  const { hub } = options;
  let response: Response;
  try {
    response = await (hub.fetch ?? fetch)(options.url, {
      headers: { ...authHeaders(hub), ...options.headers },
      signal: options.signal,
      redirect: "follow",
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new HubError(`${options.what}: cannot reach ${hub.endpoint} (${describe(error)}); check the network or HF_ENDPOINT`, "network");
  }
  if (response.ok || response.status === 416) return response;
  await response.body?.cancel().catch(() => {});
  throw explainStatus(response, options.what, hub);
}

function explainStatus(response: Response, what: string, hub: HubOptions): HubError {
  const status = response.status;
  const code = response.headers.get("x-error-code") ?? "";
  if (code === "GatedRepo" || ((status === 401 || status === 403) && code !== "RepoNotFound")) {
    const fix = hub.token
      ? "your HF_TOKEN has no access: accept the model's terms on its hub page, or use a token with read access"
      : "the repository is gated or private: accept its terms on the hub and set HF_TOKEN";
    return new HubError(`${what}: access denied (HTTP ${status}); ${fix}`, "gated", status);
  }
  if (status === 404 || code === "RepoNotFound" || code === "EntryNotFound") {
    const thing = code === "EntryNotFound" ? "file not found in the repository" : "not found (check the repository and file names)";
    return new HubError(`${what}: ${thing} (HTTP ${status} from ${hub.endpoint})`, "not-found", status);
  }
  return new HubError(`${what}: the hub answered HTTP ${status} ${response.statusText}`.trim(), "http", status);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
