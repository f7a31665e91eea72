/**
 * Arrow tables across a step boundary: serialize + hash + summarize (`toArtifact`) and read back
 * (`fromBytes`) a 1,000,000-row × 8-column Float64 table through the type registry, against the
 * same round trip as JSON (JSON.stringify of row objects + hash + JSON.parse). Both are measured
 * in this one process, best of several rounds after warm-up. Targets: at least 1.5 GB/s of table
 * data (issue 11), and at least 20× the JSON round trip. `--no-json` leaves the JSON round trip
 * out (11 s a round): for comparing two builds with compare-libraries.
 *
 * Most of the writer's time is the kernel mapping the fresh output buffer page by page (4 KiB
 * pages; 64 MB is 16,384 page faults). glibc maps large allocations with transparent huge pages
 * only when the process starts with `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` (this machine's THP
 * mode is `madvise`): the first line says which, so that figures are compared like for like.
 */
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { tableFromArrays, type Table } from "apache-arrow";
import { contentId, defaultRegistry } from "tsematic";

const ROWS = 1_000_000;
const COLS = 8;
const ARROW_ROUNDS = 9;
const JSON_ROUNDS = 3;
const CPU_ROUNDS = 20;
const DATA_BYTES = ROWS * COLS * Float64Array.BYTES_PER_ELEMENT;
const TARGET_GB_PER_SECOND = 1.5;
const WITH_JSON = !process.argv.includes("--no-json");

function makeTable(): Table {
  const columns: Record<string, Float64Array> = {};
  for (let c = 0; c < COLS; c++) {
    const values = new Float64Array(ROWS);
    for (let i = 0; i < ROWS; i++) values[i] = Math.random() * 1000 - 500;
    columns[`c${c}`] = values;
  }
  return tableFromArrays(columns);
}

/**
 * Milliseconds of each timed round, after one untimed warm-up round. No forced GC between rounds:
 * a full collection here throws away the summary loops' optimized code (they then run 2-3× slower
 * until re-optimized), which a process storing artifacts one after another does not see.
 */
async function rounds(count: number, fn: () => void): Promise<number[]> {
  fn();
  // Lets the registry's hashing worker, started by the warm-up, finish booting.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times;
}

/** User and system CPU milliseconds of each thread of this process (Linux), by thread id. */
function threadTimes(): Map<number, { user: number; sys: number }> {
  const times = new Map<number, { user: number; sys: number }>();
  try {
    for (const tid of readdirSync("/proc/self/task")) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces); utime and stime are 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const tick = 10; // ms per clock tick: USER_HZ is 100 on Linux
      times.set(Number(tid), { user: Number(fields[11]) * tick, sys: Number(fields[12]) * tick });
    }
  } catch {
    // Not Linux: no split by thread.
  }
  return times;
}

/**
 * CPU per call of `fn` over `count` calls: the main thread (writer, summary, reader) apart from
 * the other threads (the hashing worker, V8's collector helpers). On a shared machine these move
 * less with the load than wall time, and say which side of the pipeline is the bottleneck.
 */
function cpuSplit(count: number, fn: () => void): string {
  const before = threadTimes();
  for (let i = 0; i < count; i++) fn();
  const after = threadTimes();
  const sum = { main: { user: 0, sys: 0 }, other: { user: 0, sys: 0 } };
  for (const [tid, t] of after) {
    const start = before.get(tid) ?? { user: 0, sys: 0 };
    const side = tid === process.pid ? sum.main : sum.other;
    side.user += (t.user - start.user) / count;
    side.sys += (t.sys - start.sys) / count;
  }
  if (after.size === 0) return "CPU by thread: not available here";
  const f = (x: number): string => x.toFixed(1);
  return (
    `CPU per round trip (${count} rounds): main thread user ${f(sum.main.user)} + system ${f(sum.main.sys)} ms, ` +
    `other threads (hashing worker, GC helpers) user ${f(sum.other.user)} + system ${f(sum.other.sys)} ms`
  );
}

const best = (times: number[]): number => Math.min(...times);
const median = (times: number[]): number => [...times].sort((a, b) => a - b)[times.length >> 1]!;
const gbPerSecond = (ms: number): string => (DATA_BYTES / 1e9 / (ms / 1000)).toFixed(2);
const ms = (value: number): string => value.toFixed(1).padStart(7);

const load = (): string =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

async function main(): Promise<void> {
  console.log(`load average before: ${load()}`);
  const hugePages = /glibc\.malloc\.hugetlb=[12]/.test(process.env.GLIBC_TUNABLES ?? "");
  console.log(
    `large buffers on transparent huge pages (GLIBC_TUNABLES=glibc.malloc.hugetlb=1): ${hugePages ? "yes" : "no"}`,
  );
  const table = makeTable();
  const registry = defaultRegistry();

  const roundTrip = (): void => {
    const artifact = registry.toArtifact(table);
    const back = registry.fromBytes(artifact.typeName, artifact.bytes) as Table;
    if (back.numRows !== ROWS || back.numCols !== COLS) throw new Error("round trip lost rows");
  };
  const arrow = await rounds(ARROW_ROUNDS, roundTrip);
  const cpu = cpuSplit(CPU_ROUNDS, roundTrip);
  // The parts, to see where the time goes.
  let bytes: Uint8Array = new Uint8Array();
  const toArtifact = await rounds(ARROW_ROUNDS, () => {
    bytes = registry.toArtifact(table).bytes;
  });
  const fromBytes = await rounds(ARROW_ROUNDS, () => registry.fromBytes("arrow.table", bytes));
  const hashOnly = await rounds(ARROW_ROUNDS, () => contentId("arrow.table", bytes));
  const summarize = await rounds(ARROW_ROUNDS, () =>
    registry.get("arrow.table")!.summarize(table, bytes),
  );

  console.log(
    `${ROWS.toLocaleString("en")} rows × ${COLS} Float64 columns = ${(DATA_BYTES / 1e6).toFixed(1)} MB of data ` +
      `(IPC stream ${(bytes.byteLength / 1e6).toFixed(1)} MB)`,
  );
  console.log(
    `registry round trip (toArtifact + fromBytes): best ${ms(best(arrow))} ms  median ${ms(median(arrow))} ms` +
      `  → ${gbPerSecond(best(arrow))} GB/s (median ${gbPerSecond(median(arrow))} GB/s)`,
  );
  console.log(
    `  parts, best: toArtifact ${ms(best(toArtifact)).trim()} ms (serialize + hash + summary), ` +
      `fromBytes ${ms(best(fromBytes)).trim()} ms; for reference a plain SHA-256 of the bytes ` +
      `${ms(best(hashOnly)).trim()} ms, the summary alone (a second pass) ${ms(best(summarize)).trim()} ms`,
  );
  console.log(`  ${cpu}`);
  const met = (ok: boolean): string => (ok ? "met" : "NOT met");
  const rate = DATA_BYTES / 1e9 / (best(arrow) / 1000);
  let targets = `targets: ≥ ${TARGET_GB_PER_SECOND} GB/s ${met(rate >= TARGET_GB_PER_SECOND)}`;
  if (WITH_JSON) {
    const rows = table.toArray().map((row) => ({ ...row.toJSON() }));
    let jsonChars = 0;
    const json = await rounds(JSON_ROUNDS, () => {
      const text = JSON.stringify(rows);
      const encoded = Buffer.from(text, "utf8");
      contentId("json", encoded);
      const back = JSON.parse(text) as unknown[];
      if (back.length !== ROWS) throw new Error("JSON round trip lost rows");
      jsonChars = encoded.byteLength;
    });
    const ratio = best(json) / best(arrow);
    console.log(
      `JSON round trip (stringify rows + hash + parse, ${(jsonChars / 1e6).toFixed(1)} MB): ` +
        `best ${ms(best(json))} ms  median ${ms(median(json))} ms  → ${gbPerSecond(best(json))} GB/s`,
    );
    console.log(`ratio: the registry round trip is ${ratio.toFixed(1)}× faster than JSON`);
    targets += `; ≥ 20× JSON ${met(ratio >= 20)}`;
  }
  console.log(targets);
  console.log(`load average after: ${load()}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
