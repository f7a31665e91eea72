/** Retrying requests while the server is unreachable, up to a deadline. */
import { TsematicError } from "../errors";
import { ServerUnavailableError } from "./http";

/** The server stayed away longer than the client was willing to wait. */
export class TrackingLostError extends TsematicError {}

/**
 * The server refused part of a run's record (a 4xx on an upload or an event batch). The run is
 * stopped and fails with this error; the process carries on.
 */
export class TrackingRefusedError extends TsematicError {}

/**
 * Runs `send` until it succeeds. Unavailability (no answer, 5xx) is retried with backoff for up to
 * `giveUpMs`; a refusal (4xx) is thrown at once. `lost()` describes what was not recorded.
 */
export async function retryWhileUnavailable(
  send: () => Promise<void>,
  giveUpMs: number,
  lost: (error: Error) => string,
): Promise<void> {
  const firstFailure = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      return;
    } catch (error) {
      if (!(error instanceof ServerUnavailableError)) throw error;
      const waited = Date.now() - firstFailure;
      if (waited >= giveUpMs) {
        throw new TrackingLostError(
          `${lost(error)}: the lineage server did not answer for ${Math.round(waited / 1000)} s ` +
            `(${error.message})`,
          { cause: error },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(2_000, 50 * 2 ** attempt)));
    }
  }
}
