/**
 * A worker's lease on its job's run: `POST /runs/{runId}/heartbeat?attempt=N` every 1.5 s (the
 * contract asks for ≤ 2 s). The server's answer stops the worker at once when its attempt was
 * superseded or its run ended, and carries cancel requests.
 */
import { ServerRefusedError, type ServerClient } from "../tracking/http";

/** What the worker's runner sees of the lease (a plain object: it may be another copy's code). */
export interface WorkerLease {
  /** `cancel` is called (once) when someone asks the server to cancel the run. */
  onCancel(cancel: (reason: string) => void): void;
  stop(): void;
}

interface HeartbeatAnswer {
  cancelRequested?: boolean;
  lease?: { lease: "held" | "superseded" | "ended"; attempt?: number };
}

export const HEARTBEAT_MS = 1_500;

/** Why a lease was lost: `ended` is the run's end, which a program's first root reaches on its own. */
export type LeaseLoss = "superseded" | "ended" | "refused";

/**
 * Starts heartbeating; `lost` is called once when the attempt must stop (or, for `ended`, may). `beatNow: false` waits
 * for the first interval: a warm worker's job was marked running as it was handed over, and most
 * of them end before a heartbeat is due (a request per job saved; the root's heartbeat and the
 * executor's watch cover the job meanwhile).
 */
export function holdLease(
  client: ServerClient,
  runId: string,
  attempt: number,
  lost: (reason: string, loss: LeaseLoss) => void,
  beatNow = true,
): WorkerLease {
  let cancel: ((reason: string) => void) | undefined;
  let canceled: string | undefined;
  let stopped = false;
  const beat = async (): Promise<void> => {
    try {
      const answer = await client.json<HeartbeatAnswer>(
        "POST",
        `/runs/${runId}/heartbeat?attempt=${attempt}`,
      );
      if (stopped) return;
      const held = answer.lease?.lease;
      if (held && held !== "held") {
        stopped = true;
        if (held === "superseded") {
          lost(
            `attempt ${attempt} of run ${runId} was superseded by attempt ${answer.lease?.attempt}`,
            "superseded",
          );
        } else {
          lost(`run ${runId} has already ended`, "ended");
        }
        return;
      }
      if (answer.cancelRequested && canceled === undefined) {
        canceled = "canceled from the lineage server (someone asked it to cancel this run)";
        cancel?.(canceled);
      }
    } catch (error) {
      // A refused heartbeat (the job ended, the token was revoked) means this attempt is over; a
      // missed one is not (the server may be restarting), nor a 404 (a submitted root's run is
      // created by this worker's first events).
      if (
        error instanceof ServerRefusedError &&
        !/failed with 404/.test(error.message) &&
        !stopped
      ) {
        stopped = true;
        lost(error.message, "refused");
      }
    }
  };
  if (beatNow) void beat();
  const timer = setInterval(() => void beat(), HEARTBEAT_MS);
  timer.unref();
  return {
    onCancel(fn) {
      cancel = fn;
      if (canceled !== undefined) fn(canceled);
    },
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
