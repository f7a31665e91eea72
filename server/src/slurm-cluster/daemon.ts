/**
 * One daemon process of a local cluster, started in the foreground (so its pid is the daemon's) with its
 * output in a log file, and stopped by that pid. Detached: a Ctrl-C in the terminal reaches the cluster's owner,
 * which stops the daemons in order, rather than every daemon at once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";

/** A started daemon: its pid, whether it still runs, and its logs for error messages. */
export class Daemon {
  readonly pid: number;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private exitDescription: string | undefined;

  /**
   * @param name what error messages call it, e.g. "slurmd w1"
   * @param logFiles where it writes: its stdout/stderr file first, then any log file its config names
   */
  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    readonly logFiles: string[],
  ) {
    const out = openSync(logFiles[0]!, "a");
    try {
      this.child = spawn(command, args, { env, stdio: ["ignore", out, out], detached: true });
    } finally {
      closeSync(out);
    }
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exitDescription = signal ? `killed by ${signal}` : `exited with code ${code}`;
        resolve();
      });
      this.child.once("error", (error) => {
        this.exitDescription = `could not start: ${error.message}`;
        resolve();
      });
    });
    this.pid = this.child.pid ?? -1;
  }

  /** Undefined while it runs; else how it ended. */
  get ended(): string | undefined {
    return this.exitDescription;
  }

  /** Sends a signal; nothing when it has already exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.exitDescription === undefined && this.pid > 0) {
      try {
        process.kill(this.pid, signal);
      } catch {
        // Exited meanwhile.
      }
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(graceMs = 15_000): Promise<void> {
    this.signal("SIGTERM");
    const timer = setTimeout(() => this.signal("SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Resolves once it has exited. */
  waitForExit(): Promise<void> {
    return this.exited;
  }

  /** The last lines of its logs, for an error message. */
  logTail(lines = 25): string {
    return this.logFiles
      .filter((file) => existsSync(file))
      .map((file) => {
        const text = readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
        return `--- ${file}\n${text}`;
      })
      .join("\n");
  }
}
