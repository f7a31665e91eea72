/**
 * The extension's settings (schema/plugin.json), resolved to the values the extension uses.
 *
 * Empty `serverUrl`/`token` settings fall back to what the JupyterLab host was started with
 * (`npm start` puts the lineage server it launched into the page config as `tsematicServerUrl`
 * and `tsematicToken`), then to the server's default local address.
 */
import { PageConfig } from "@jupyterlab/coreutils";
import type { ReadonlyPartialJSONObject } from "@lumino/coreutils";

/** The id of the plugin that owns the settings; schema/plugin.json is its schema. */
export const SETTINGS_PLUGIN_ID = "tsematic-jupyterlab:plugin";

/** Where the lineage server listens when nothing else is configured. */
export const DEFAULT_SERVER_URL = "http://127.0.0.1:8765";

/** Resolved settings. */
export interface ITsematicSettings {
  /** Base URL of the lineage server, without a trailing slash. */
  readonly serverUrl: string;
  /** Bearer token for calls to the lineage server; may be empty. */
  readonly token: string;
  /**
   * The only origin the token is ever sent to: the configured server's. A run view that points
   * the client at another server (a notebook someone else saved) keeps this field, so the token
   * stays home ({@link tokenFor}).
   */
  readonly tokenOrigin: string;
  /** The name shown as the author of the notes this user edits; may be empty (anonymous). */
  readonly authorName?: string;
  /**
   * The executor reruns (and promotions) run on: `local` or `slurm`. Absent: the one the
   * original run used.
   */
  readonly defaultExecutor?: string;
  /**
   * The URL the cluster's jobs of a promoted run call the server back at: one of the server's
   * configured node URLs (`--public-url`). Absent: the server's default. Only ever sent to the
   * kernel as a choice, never used to send anything (the token goes to `serverUrl` alone).
   */
  readonly nodeUrl?: string;
}

/**
 * Resolve the composite settings of {@link SETTINGS_PLUGIN_ID}.
 *
 * @example
 * ```ts
 * const settings = resolveSettings(loaded.composite);
 * fetch(`${settings.serverUrl}/api/v1/runs`);
 * ```
 */
export function resolveSettings(
  composite: ReadonlyPartialJSONObject,
  pageOption: (name: string) => string = (name) => PageConfig.getOption(name),
): ITsematicSettings {
  const text = (key: string): string => {
    const value = composite[key];
    return typeof value === "string" ? value.trim() : "";
  };
  const serverUrl = (
    text("serverUrl") ||
    pageOption("tsematicServerUrl") ||
    DEFAULT_SERVER_URL
  ).replace(/\/+$/, "");
  return {
    serverUrl,
    token: text("token") || pageOption("tsematicToken"),
    tokenOrigin: originOf(serverUrl),
    // Only when set: an anonymous user's settings are the same as before the setting existed.
    ...(text("authorName") ? { authorName: text("authorName") } : {}),
    ...(text("defaultExecutor") ? { defaultExecutor: text("defaultExecutor") } : {}),
    ...(text("nodeUrl") ? { nodeUrl: text("nodeUrl") } : {}),
  };
}

/** The origin (`scheme://host:port`) of a URL; empty when it is not an absolute http(s) URL. */
export function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.origin : "";
  } catch {
    return "";
  }
}

/**
 * The token to send with a request to `url`: the configured token when `url` is on the origin the
 * token belongs to, else the empty string. Every request path (REST and WebSocket) asks it, so a
 * URL taken from a notebook's output never receives the token.
 *
 * @example
 * ```ts
 * tokenFor(settings, "http://127.0.0.1:8765/api/v1/runs"); // the token (configured server)
 * tokenFor(settings, "http://evil.example/api/v1/runs"); // ""
 * ```
 */
export function tokenFor(settings: ITsematicSettings, url: string): string {
  const origin = originOf(url);
  return origin !== "" && origin === settings.tokenOrigin ? settings.token : "";
}
