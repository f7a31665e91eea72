/**
 * Which URL a job is told to call the server back at (`TSEMATIC_SERVER_URL`): its root's choice
 * among the URLs the server's operator configured for the executor (`--public-url`), else the
 * first of them, else the server's own URL. Every job of a root (its driver, its dispatched steps,
 * their requeued attempts) calls back the same URL.
 */
import type { Executor } from "../executors/types";
import { latestJobOfRun, storedSpec } from "../storage/jobs";
import type { SchedulerState } from "./state";

/** The URLs `executor`'s jobs may call back, the default first. */
export function nodeUrlsOf(s: SchedulerState, executor: Executor): string[] {
  return executor.nodeUrls && executor.nodeUrls.length > 0 ? [...executor.nodeUrls] : [s.serverUrl];
}

/**
 * The URL a job on `executor` calls back: `chosen` (a stored choice) while it is still one of the
 * executor's URLs (the server may have been restarted with others), else the default.
 */
export function callbackUrl(
  s: SchedulerState,
  executor: Executor,
  chosen: string | undefined,
): string {
  const allowed = nodeUrlsOf(s, executor);
  return chosen !== undefined && allowed.includes(chosen) ? chosen : allowed[0]!;
}

/** The URL the root's submission chose (stored on its driver job), if any. */
export function rootNodeUrl(s: SchedulerState, rootId: string): string | undefined {
  const driver = latestJobOfRun(s.deps.db, rootId);
  return driver ? storedSpec(s.deps.db, driver.id)?.nodeUrl : undefined;
}
