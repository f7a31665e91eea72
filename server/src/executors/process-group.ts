/**
 * One job = one process group: the worker is spawned as the leader of a new group, so everything it
 * starts (npm, a child node, a shell) can be signalled together, and the group id is the handle.
 *
 * Stopping a job (TERM to the group, KILL after a grace) is sequenced by the executor, which shares
 * one KILL deadline between cancel, timeout and a leader's leftovers; this module gives it the
 * signals and the wait until no process of the group is left.
 *
 * "Left" includes zombies: an orphaned grandchild is reparented to PID 1, which reaps it on its own
 * schedule (about 2 s on this project's machines), and a zombie still answers `kill(pid, 0)`.
 * Waiting for the reap means a caller that checks the pids afterwards finds them gone; the wait is
 * bounded, because a zombie holds no memory or CPU and an init that never reaps must not hang a
 * cancel.
 *
 * @example
 * ```ts
 * const child = spawnGroup({ command: ["node", "worker.js"], env, cwd, logFile });
 * signalGroup(child.pid!, "SIGTERM"); // the worker and everything it started
 * await waitGroupGone(child.pid!); // true once no process of the group is left
 * ```
 */
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { groupMembers, hasProcfs, readProcessTable } from "./procfs";

/** How often a wait for a group to be gone looks again. */
const GONE_POLL_MS = 50;
/** How long a group of zombies only is waited for (PID 1 reaps orphans every ~2 s here). */
const ZOMBIE_REAP_WAIT_MS = 10_000;

/** Without /proc (not Linux) zombies cannot be told apart: only `kill(-pgid, 0)` is trusted. */
const procfs = hasProcfs();

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What {@link spawnGroup} needs of a launch request. */
export interface GroupLaunch {
  command: string[];
  env: Record<string, string>;
  cwd: string;
  /** stdout and stderr are appended to it (its directory is created). */
  logFile: string;
}

/**
 * Spawns `command` as the leader of a new process group (`detached`), with stdout and stderr
 * appended to the log file and no stdin. Spawn failures (no such program, no such cwd) arrive as
 * the child's `error` event, as with `spawn` itself.
 */
export function spawnGroup(launch: GroupLaunch): ChildProcess {
  const [program, ...args] = launch.command;
  if (program === undefined) throw new Error("the job's command is empty: give at least a program");
  mkdirSync(dirname(launch.logFile), { recursive: true });
  const log = openSync(launch.logFile, "a");
  try {
    return spawn(program, args, {
      detached: true,
      env: launch.env,
      cwd: launch.cwd,
      stdio: ["ignore", log, log],
    });
  } finally {
    // The child has its own copy of the descriptor; ours would leak one per job.
    closeSync(log);
  }
}

/** Sends a signal to every process of the group; false when the group is already gone. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    // EPERM: the id now belongs to a process we may not signal, so none of ours is left. A timer's
    // signal must not throw: it would take the server down.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ESRCH" || code === "EPERM") return false;
    throw error;
  }
}

/** True when no process (zombies included) is left in the group. */
export function isGroupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (error) {
    // EPERM: a process we may not signal holds the id now, so none of ours does.
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ESRCH" || code === "EPERM";
  }
}

/** True when every process left in the group has exited (only zombies remain, or none). */
export function isGroupDead(pgid: number): boolean {
  return isGroupGone(pgid) || (procfs && groupMembers(readProcessTable(), pgid).length === 0);
}

/**
 * Resolves once the group is gone, or once `timeoutMs` passed (then with false). Zombies count as
 * present for at most {@link ZOMBIE_REAP_WAIT_MS}: see the module documentation.
 */
export async function waitGroupGone(pgid: number, timeoutMs = Infinity): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let deadSince: number | undefined;
  for (;;) {
    if (isGroupGone(pgid)) return true;
    if (procfs && groupMembers(readProcessTable(), pgid).length === 0) {
      deadSince ??= Date.now();
      if (Date.now() - deadSince >= ZOMBIE_REAP_WAIT_MS) return true;
    } else {
      deadSince = undefined;
    }
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(GONE_POLL_MS, Math.max(0, deadline - Date.now())));
  }
}
