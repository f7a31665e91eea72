/**
 * The start-up lock of a data directory: `<dataDir>/server.lock`, created with O_EXCL and holding the
 * pid of the server that is starting. It is held from before the token and the database are touched
 * until server.json is written, so two servers started at once (two notebooks opening together)
 * cannot both migrate one database or both believe they serve it: the second waits, then finds the
 * first in server.json and stops. A lock whose pid is gone (a server killed while starting) is stale
 * and taken over.
 */
import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "server.lock";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** Whether a process runs with this pid (a zombie, exited but not reaped, does not). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat[stat.lastIndexOf(")") + 2] !== "Z";
  } catch {
    return true; // No /proc: kill(0) said it exists.
  }
}

function tryCreate(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The holder's pid, or undefined if the lock is gone or still being written. */
function holder(file: string): { pid: number | undefined; ino: number; ageMs: number } | undefined {
  try {
    const stats = statSync(file);
    const pid = Number.parseInt(readFileSync(file, "utf8"), 10);
    return {
      pid: Number.isInteger(pid) && pid > 0 ? pid : undefined,
      ino: stats.ino,
      ageMs: Date.now() - stats.mtimeMs,
    };
  } catch {
    return undefined;
  }
}

/** Removes a stale lock, unless it was replaced meanwhile (another starter took it over first). */
function removeStale(file: string, ino: number): void {
  try {
    if (statSync(file).ino === ino) unlinkSync(file);
  } catch {
    // Already gone.
  }
}

/**
 * Takes the start-up lock of `dataDir`, waiting up to `timeoutMs` for a starting server to finish.
 * Returns the function that releases it.
 */
export async function acquireStartLock(dataDir: string, timeoutMs = 120_000): Promise<() => void> {
  const file = join(dataDir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  let waitedFor: number | undefined;
  for (;;) {
    if (tryCreate(file)) {
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (holder(file)?.pid === process.pid) unlinkSync(file);
      };
    }
    const held = holder(file);
    if (held) {
      waitedFor = held.pid;
      // A dead holder, or a lock with no pid that is old enough not to be mid-write, is stale.
      const stale = held.pid !== undefined ? !processRuns(held.pid) : held.ageMs > 5_000;
      if (stale) {
        removeStale(file, held.ino);
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(
        `another Tsematic server (pid ${waitedFor ?? "unknown"}) has been starting in ${dataDir} for ` +
          `${Math.round(timeoutMs / 1000)} s: wait for it, stop it, or remove ${file} if no such ` +
          "process runs",
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
