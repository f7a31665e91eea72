/**
 * Which server a notebook's run view may talk to. A notebook is data someone else may have
 * written, and the run view renders on open (`safe: true`), so the `serverUrl` saved in its output
 * is not trusted: only a bundle naming the configured server's origin goes live at once; a silent
 * run talks to no server at all; any other origin shows the saved snapshot until the user asks to
 * connect, and then gets the configured token only if the user allowed it for that origin.
 *
 * @example
 * ```ts
 * const source = runViewSource(bundle, settings());
 * if (source.kind === "foreign") showSnapshotAndAsk(source.serverUrl);
 * ```
 */
import type { IRunViewBundle } from "../graph/model";
import { type ITsematicSettings, originOf } from "../settings";

/** Where a run view's graph comes from. */
export type RunViewSource =
  /** A silent run: the snapshot only, no server is contacted. */
  | { readonly kind: "silent" }
  /** The configured server (the bundle names its origin, or no server at all). */
  | { readonly kind: "configured"; readonly serverUrl: string }
  /** Another origin the user agreed to connect to in this session. */
  | { readonly kind: "approved"; readonly serverUrl: string; readonly sendToken: boolean }
  /** Another origin: the snapshot, and a question before connecting. */
  | { readonly kind: "foreign"; readonly serverUrl: string; readonly origin: string };

/** The user's answers in this page session: origin → whether the token may go there too. */
const approvals = new Map<string, { sendToken: boolean }>();

/** Records that the user agreed to connect run views to `origin` (with the token or not). */
export function approveOrigin(origin: string, sendToken: boolean): void {
  approvals.set(origin, { sendToken });
}

/** Forgets every approval (tests). */
export function clearApprovals(): void {
  approvals.clear();
}

/** Decides where the run view of `bundle` gets its graph, given the configured settings. */
export function runViewSource(
  bundle: Pick<IRunViewBundle, "mode" | "serverUrl">,
  settings: ITsematicSettings,
): RunViewSource {
  if (bundle.mode === "silent") {
    return { kind: "silent" };
  }
  const named = typeof bundle.serverUrl === "string" ? bundle.serverUrl.trim() : "";
  if (named === "") {
    return { kind: "configured", serverUrl: settings.serverUrl };
  }
  const serverUrl = named.replace(/\/+$/, "");
  const origin = originOf(serverUrl);
  if (origin !== "" && origin === settings.tokenOrigin) {
    return { kind: "configured", serverUrl };
  }
  const approval = origin === "" ? undefined : approvals.get(origin);
  if (approval) {
    return { kind: "approved", serverUrl, sendToken: approval.sendToken };
  }
  return { kind: "foreign", serverUrl, origin };
}

/**
 * The settings a run view uses for `serverUrl`: the configured ones pointed at it. The token stays
 * bound to the configured origin (so it is not sent) unless `sendToken`, the user's explicit
 * choice for that origin.
 */
export function settingsFor(
  settings: ITsematicSettings,
  serverUrl: string,
  sendToken = false,
): ITsematicSettings {
  return {
    ...settings,
    serverUrl,
    tokenOrigin: sendToken ? originOf(serverUrl) : settings.tokenOrigin,
  };
}
