/**
 * Who may use the server. Loopback by default; any other address only with an API key.
 * A key is accepted as `Authorization: Bearer KEY` (KoboldCpp, llama.cpp, OpenAI,
 * SillyTavern) or `x-api-key: KEY` (TabbyAPI's header), compared in constant time.
 * Browsers are kept out unless --cors names their origin, and on loopback the Host
 * header must be a loopback name (DNS rebinding).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./errors.ts";

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (bare === "localhost" || bare === "::1") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped !== null && mapped[1]!.startsWith("127.");
}

/** The one-line refusal (and its how-to lines) for a non-loopback address without a key; undefined when allowed. */
export function bindRefusal(host: string, port: number, hasKey: boolean): string | undefined {
  if (hasKey || isLoopbackHost(host)) return undefined;
  return [
    `refusing to listen on ${host} without an API key: anyone who can reach this machine could use your model.`,
    `  Either add --api-key KEY (clients send it as "Authorization: Bearer KEY"),`,
    `  or keep --host 127.0.0.1 and reach it through an SSH tunnel: ssh -N -L ${port}:127.0.0.1:${port} you@gpu-box`,
  ].join("\n");
}

const digest = (text: string) => createHash("sha256").update(text).digest();

export const AUTH_MESSAGE = 'missing or wrong API key: send "Authorization: Bearer <key>" with the key given to taproom serve --api-key';

/** The key the request carries, if it carries one. */
function presentedKeys(req: IncomingMessage): string[] {
  const keys: string[] = [];
  const auth = req.headers.authorization;
  const bearer = auth ? /^bearer (.+)$/i.exec(auth.trim()) : null;
  if (bearer) keys.push(bearer[1]!.trim());
  const xKey = req.headers["x-api-key"];
  if (typeof xKey === "string") keys.push(xKey.trim());
  return keys;
}

export function isAuthorized(req: IncomingMessage, key: string | undefined): boolean {
  if (key === undefined) return true;
  const expected = digest(key);
  return presentedKeys(req).some((k) => timingSafeEqual(digest(k), expected));
}

export interface OriginPolicy {
  cors: string[];
  allowHosts: string[];
  /** Bound to loopback: the Host header must name loopback (or an allowed host). */
  loopback: boolean;
}

/** CORS headers for this request's origin, or a 403 when a browser origin is not allowed. */
export function checkOrigin(req: IncomingMessage, policy: OriginPolicy): Record<string, string> {
  const host = req.headers.host;
  if (policy.loopback && host !== undefined) {
    const name = host.replace(/:\d+$/, "");
    if (!isLoopbackHost(name) && !policy.allowHosts.includes(name.toLowerCase())) {
      throw new HttpError(403, `Host "${host}" is not this server's: it listens on loopback only (taproom serve --allow-host ${name} to allow a reverse proxy's name)`);
    }
  }
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  const allowed = policy.cors.includes("*") ? "*" : policy.cors.includes(origin) ? origin : undefined;
  if (!allowed) {
    throw new HttpError(403, `requests from origin ${origin} are not allowed; start taproom serve with --cors ${origin} to allow them`);
  }
  return {
    "Access-Control-Allow-Origin": allowed,
    Vary: "Origin",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Authorization, Content-Type, x-api-key",
    "Access-Control-Max-Age": "600",
  };
}
