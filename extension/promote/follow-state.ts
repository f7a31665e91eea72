/**
 * Follows a promoted run's root state through its live graph (the lineage server's document, with
 * the polling fallback), for {@link PromotedRuns}: the run lives on the server, so its end is known
 * there whether or not its panel is open.
 *
 * @example
 * ```ts
 * const runs = new PromotedRuns({ follow: rootStateFollower(() => settings.current, client) });
 * ```
 */
import type { IDisposable } from "@lumino/disposable";

import type { LineageClient } from "../client";
import { LiveGraphSource } from "../live/source";
import { settingsFor } from "../mime/trust";
import type { ITsematicSettings } from "../settings";
import type { PromotedRuns } from "./registry";

/** A {@link PromotedRuns.Follow} that reads each run's root state from its live graph. */
export function rootStateFollower(
  settings: () => ITsematicSettings,
  client: LineageClient,
): PromotedRuns.Follow {
  return (run, onState): IDisposable => {
    const configured = settings().serverUrl;
    const serverUrl = run.serverUrl || configured;
    // The token stays bound to the configured server (settingsFor), as for a run view.
    const source = new LiveGraphSource({
      rootId: run.rootId,
      settings: () => settingsFor(settings(), serverUrl),
      ...(serverUrl === configured ? { client } : {}),
    });
    source.changed.connect(() => {
      const state = source.graph?.runs.get(run.rootId)?.state;
      if (state) {
        onState(state);
      }
    });
    return source;
  };
}
