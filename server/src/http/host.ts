/**
 * The `Host` check against DNS rebinding: a web page on `evil.example` whose DNS name is re-pointed
 * to 127.0.0.1 would otherwise talk to this server as a same-origin page (and any token it learns
 * would work). Browsers always send the name they resolved, so only requests that name this server
 * (a loopback name, the address it binds, or a configured name) are served.
 *
 * @example
 * ```ts
 * const allowed = hostChecker("127.0.0.1", ["lineage.internal"]);
 * allowed("localhost:8765"); // true
 * allowed("evil.example:8765"); // false
 * ```
 */
import { hostname } from "node:os";
import type { RequestHandler } from "express";
import { ApiError } from "./errors";

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];
const WILDCARD_ADDRESSES = new Set(["0.0.0.0", "::", ""]);

/** The name part of a Host header value, lowercase, without port or IPv6 brackets. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    return end < 0 ? value : value.slice(1, end);
  }
  const colon = value.lastIndexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  return name.endsWith(".") ? name.slice(0, -1) : name;
}

/**
 * Returns whether a Host header value names this server: loopback names with any port, the bound
 * address itself (and this machine's name when it binds every interface), and `extra` names.
 */
export function hostChecker(
  bindHost: string,
  extra: readonly string[],
): (header: string | undefined) => boolean {
  const names = new Set([...LOOPBACK_NAMES, ...extra.map((h) => hostName(h))]);
  if (WILDCARD_ADDRESSES.has(bindHost)) names.add(hostname().toLowerCase());
  else names.add(hostName(bindHost.includes(":") ? `[${bindHost}]` : bindHost));
  return (header) => header !== undefined && names.has(hostName(header));
}

/** The message of a refused Host, shared by HTTP and WebSocket refusals. */
export function hostRefusal(header: string | undefined): string {
  return (
    `this server does not answer to the host name ${JSON.stringify(String(header ?? "")).slice(0, 100)}: ` +
    "use 127.0.0.1 or localhost, or start the server with --allowed-host <name> for a name that " +
    "should reach it (e.g. a proxy)"
  );
}

/** Refuses, with 403, every request whose Host header does not name this server. */
export function requireKnownHost(bindHost: string, extra: readonly string[]): RequestHandler {
  const allowed = hostChecker(bindHost, extra);
  return (req, _res, next) => {
    if (!allowed(req.headers.host)) {
      throw new ApiError(403, "host_not_allowed", hostRefusal(req.headers.host));
    }
    next();
  };
}
