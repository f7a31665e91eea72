/**
 * The batch script of a Slurm job: it makes the node-local worker cache, picks the job id and
 * worker token of its task (an array's tasks share one script, chosen by `SLURM_ARRAY_TASK_ID`),
 * and `exec`s the worker, so that the worker is the batch step itself: Slurm then sees its
 * out-of-memory kill as the job's (OUT_OF_MEMORY; a worker run as an `srun` step made the job end
 * FAILED instead, measured on 22.05). The time-limit warning: see versions.ts (`signal`).
 *
 * @example
 * ```ts
 * batchScript(["/usr/bin/node", "/opt/tsematic/lib/worker/main.js"], [{ jobId: "ab…", token: "cd…" }], false);
 * // "#!/bin/sh\n…TSEMATIC_JOB_ID='ab…'…exec '/usr/bin/node' '/opt/tsematic/lib/worker/main.js'\n"
 * ```
 */
import { createHash } from "node:crypto";

/** What differs between the tasks of an array: the job and its worker token. */
export interface TaskEnv {
  jobId: string;
  token: string;
}

/** A word the shell takes literally. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function batchScript(command: string[], tasks: TaskEnv[], isArray: boolean): string {
  const lines = ["#!/bin/sh", "umask 077"];
  const pick = (t: TaskEnv): string =>
    `TSEMATIC_JOB_ID=${shellQuote(t.jobId)}; TSEMATIC_TOKEN=${shellQuote(t.token)}`;
  if (isArray) {
    lines.push('case "$SLURM_ARRAY_TASK_ID" in');
    tasks.forEach((t, i) => lines.push(`  ${i}) ${pick(t)} ;;`));
    lines.push('  *) echo "tsematic: no job for array task $SLURM_ARRAY_TASK_ID" >&2; exit 2 ;;');
    lines.push("esac");
  } else {
    lines.push(pick(tasks[0]!));
  }
  lines.push("export TSEMATIC_JOB_ID TSEMATIC_TOKEN");
  lines.push('mkdir -p "$TSEMATIC_WORKER_CACHE" && cd "$TSEMATIC_WORKER_CACHE" || exit 1');
  lines.push(`exec ${command.map(shellQuote).join(" ")}`);
  return `${lines.join("\n")}\n`;
}

/** The directory and file names {@link outputPath} makes; the match's group 1 is the Slurm job id. */
export const outputDir = "/tmp";
export const outputFileName = /^tsematic-slurm-[0-9a-f]{8}-(\d+)(?:_\d+)?\.out$/;

/** The job's stdout+stderr on its node (Slurm expands %j, %A, %a). */
export function outputPath(workerDir: string, isArray: boolean): string {
  // In /tmp, which every node has: Slurm opens the file before the script runs, so its directory
  // must exist already. Named after the worker directory too, so that two clusters on one machine
  // (whose job ids both start at 1) do not write one file.
  const tag = createHash("sha256").update(workerDir).digest("hex").slice(0, 8);
  return `${outputDir}/tsematic-slurm-${tag}-${isArray ? "%A_%a" : "%j"}.out`;
}
