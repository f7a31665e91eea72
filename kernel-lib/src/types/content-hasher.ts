/**
 * Content ids of large artifacts, hashed on a second core while the first one writes the bytes.
 *
 * The id formula is the one in `../hash.ts` (SHA-256 over the type name, a NUL, then the bytes):
 * the server recomputes it, so only where the hashing runs changes. SHA-256 is sequential, and
 * writing a large artifact's bytes costs about as much as hashing them, so a serializer that
 * produces its bytes in order (the Arrow writer) streams them to a worker thread as it writes
 * them and both proceed at once. The bytes stay in an ordinary `ArrayBuffer` (`fetch` refuses
 * shared memory): each chunk is copied, while still in cache, into a small shared ring that the
 * worker hashes.
 *
 * Everything degrades to hashing on the calling thread: small artifacts, one-core machines, a
 * worker that has not started yet or stopped answering. Callers never wait for a worker to start.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

/** Below this size hashing on the calling thread is cheaper than handing chunks over. */
export const PARALLEL_HASH_MIN_BYTES = 8 << 20;
const SLOT_BYTES = 4 << 20;
const SLOTS = 4;
/** A worker that makes no progress for this long is presumed dead; the caller hashes itself. */
const STALL_MS = 5000;

// Int32 cells of the control block shared with the worker.
const PRODUCED = 0; // slots published by the writer
const CONSUMED = 1; // slots hashed by the worker
const ENDED = 2; // 1 once the writer published its last slot
const DONE = 3; // 1 once the digest is in the digest block
const READY = 4; // 1 once the worker listens
const SEQ = 5; // bumped on every publish and at the end: what the worker waits on
const LENGTHS = 8; // SLOTS cells: bytes used in each slot

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { ring, control, digest, slotBytes, slots } = workerData;
const ctl = new Int32Array(control);
const bytes = new Uint8Array(ring);
const out = new Uint8Array(digest);
parentPort.on("message", (typeName) => {
  const hash = createHash("sha256").update(typeName).update("\\0");
  let consumed = 0;
  for (;;) {
    const seq = Atomics.load(ctl, ${SEQ});
    if (Atomics.load(ctl, ${PRODUCED}) > consumed) {
      const slot = consumed % slots;
      hash.update(bytes.subarray(slot * slotBytes, slot * slotBytes + Atomics.load(ctl, ${LENGTHS} + slot)));
      consumed++;
      Atomics.store(ctl, ${CONSUMED}, consumed);
      Atomics.notify(ctl, ${CONSUMED});
    } else if (Atomics.load(ctl, ${ENDED}) === 1) {
      break;
    } else {
      Atomics.wait(ctl, ${SEQ}, seq, 1000);
    }
  }
  out.set(hash.digest());
  Atomics.store(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
});
Atomics.store(ctl, ${READY}, 1);
`;

/** A stream of an artifact's bytes in order, hashed as it arrives. */
export interface ContentHasher {
  /** Adds the next bytes. The caller may reuse or change `chunk` once this returns. */
  update(chunk: Uint8Array): void;
  /** Says that every byte was given; the hash completes in the background. */
  end(): void;
  /** The content id (waits for it); undefined if the worker failed: then hash the bytes yourself. */
  digest(): string | undefined;
}

interface HashWorker {
  worker: Worker;
  ring: Uint8Array;
  control: Int32Array;
  digest: Uint8Array;
  /** The job the worker is on or last finished; a job's result is read before the next starts. */
  job: ParallelHasher | undefined;
}

let shared: HashWorker | undefined;
let disabled = false;

function startWorker(): HashWorker | undefined {
  if (disabled) return undefined;
  if (shared) return shared;
  if (availableParallelism() < 2) {
    disabled = true;
    return undefined;
  }
  try {
    const ring = new SharedArrayBuffer(SLOT_BYTES * SLOTS);
    const control = new SharedArrayBuffer(4 * (LENGTHS + SLOTS));
    const digest = new SharedArrayBuffer(32);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { ring, control, digest, slotBytes: SLOT_BYTES, slots: SLOTS },
    });
    // A notebook kernel or a script must be able to exit while the hasher idles.
    worker.unref();
    worker.on("error", () => stopWorker());
    worker.on("exit", () => stopWorker());
    shared = {
      worker,
      ring: new Uint8Array(ring),
      control: new Int32Array(control),
      digest: new Uint8Array(digest),
      job: undefined,
    };
    return shared;
  } catch {
    disabled = true;
    return undefined;
  }
}

function stopWorker(): void {
  const current = shared;
  shared = undefined;
  disabled = true;
  void current?.worker.terminate();
}

/**
 * Resolves once the hashing worker listens (true), or false when this process hashes on one
 * thread only. Benchmarks and tests await it; library code never has to.
 *
 * @example
 * ```ts
 * await parallelHashReady(); // then large artifacts hash on a second core
 * ```
 */
export async function parallelHashReady(timeoutMs = 10_000): Promise<boolean> {
  const w = startWorker();
  if (!w) return false;
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(w.control, READY) !== 1) {
    if (Date.now() > deadline || shared !== w) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

/** Waits until `control[index]` differs from `value`; false if the worker stalled. */
function waitChange(control: Int32Array, index: number, value: number): boolean {
  const deadline = Date.now() + STALL_MS;
  while (Atomics.load(control, index) === value) {
    if (Date.now() > deadline) return false;
    Atomics.wait(control, index, value, 100);
  }
  return true;
}

class ParallelHasher implements ContentHasher {
  private produced = 0;
  private fill = 0;
  private failed = false;
  private ended = false;
  private result: string | undefined;

  constructor(
    private readonly w: HashWorker,
    typeName: string,
  ) {
    const c = w.control;
    w.job = this;
    for (const index of [PRODUCED, CONSUMED, ENDED, DONE]) Atomics.store(c, index, 0);
    w.worker.postMessage(typeName);
  }

  /**
   * Frees the worker for another job, keeping this one's result here: waits for the last bytes
   * to be hashed if the writer is done, returns false if it is still writing (re-entrant use).
   */
  settle(): boolean {
    if (this.failed || this.result !== undefined) return true;
    if (!this.ended) return false;
    this.digest();
    return true;
  }

  update(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.byteLength && !this.failed) {
      if (this.fill === 0 && !this.waitForFreeSlot()) return this.fail();
      const slot = this.produced % SLOTS;
      const n = Math.min(SLOT_BYTES - this.fill, chunk.byteLength - offset);
      this.w.ring.set(chunk.subarray(offset, offset + n), slot * SLOT_BYTES + this.fill);
      this.fill += n;
      offset += n;
      if (this.fill === SLOT_BYTES) this.publish();
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.failed) return;
    if (this.fill > 0) this.publish();
    const c = this.w.control;
    Atomics.store(c, ENDED, 1);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
  }

  digest(): string | undefined {
    this.end();
    if (this.failed || this.result !== undefined) return this.result;
    if (!waitChange(this.w.control, DONE, 0)) {
      this.fail();
      return undefined;
    }
    this.result = Buffer.from(this.w.digest).toString("hex");
    return this.result;
  }

  private waitForFreeSlot(): boolean {
    const c = this.w.control;
    for (;;) {
      const consumed = Atomics.load(c, CONSUMED);
      if (this.produced - consumed < SLOTS) return true;
      if (!waitChange(c, CONSUMED, consumed)) return false;
    }
  }

  private publish(): void {
    const c = this.w.control;
    Atomics.store(c, LENGTHS + (this.produced % SLOTS), this.fill);
    this.produced++;
    this.fill = 0;
    Atomics.store(c, PRODUCED, this.produced);
    Atomics.add(c, SEQ, 1);
    Atomics.notify(c, SEQ);
  }

  private fail(): void {
    // The worker may still hold a half-hashed job: never reuse it.
    this.failed = true;
    if (shared === this.w) stopWorker();
  }
}

/**
 * A hasher for an artifact of `totalBytes` bytes that runs on a worker thread when that pays
 * off and the worker is ready, or undefined: then hash the finished bytes with `contentId`.
 * Starting the worker is a side effect, so the next large artifact finds it ready.
 *
 * @example
 * ```ts
 * const hasher = parallelContentHasher("arrow.table", bytes.byteLength);
 * for (const chunk of chunks) hasher?.update(chunk);
 * hasher?.end();
 * const id = hasher?.digest() ?? contentId("arrow.table", bytes);
 * ```
 */
export function parallelContentHasher(
  typeName: string,
  totalBytes: number,
): ContentHasher | undefined {
  if (totalBytes < PARALLEL_HASH_MIN_BYTES) return undefined;
  const w = startWorker();
  if (!w || Atomics.load(w.control, READY) !== 1 || (w.job && !w.job.settle())) return undefined;
  if (shared !== w) return undefined; // settling found the worker dead
  return new ParallelHasher(w, typeName);
}

/** Ids computed while serializing, handed from a type's `serialize` to the registry. */
const pendingIds = new WeakMap<Uint8Array, { typeName: string; hasher: ContentHasher }>();

/**
 * Records that `hasher` is computing the content id of `bytes` under `typeName`.
 *
 * @example
 * ```ts
 * rememberContentId(bytes, "arrow.table", hasher); // in serialize()
 * takeContentId("arrow.table", bytes);             // in the registry: the id, or undefined
 * ```
 */
export function rememberContentId(
  bytes: Uint8Array,
  typeName: string,
  hasher: ContentHasher,
): void {
  pendingIds.set(bytes, { typeName, hasher });
}

/**
 * The id recorded for `bytes` by {@link rememberContentId} if it was hashed under `typeName` and
 * the hashing succeeded; undefined otherwise (then hash the bytes with `contentId`).
 *
 * @example
 * ```ts
 * const id = takeContentId(type.name, bytes) ?? contentId(type.name, bytes);
 * ```
 */
export function takeContentId(typeName: string, bytes: Uint8Array): string | undefined {
  const pending = pendingIds.get(bytes);
  if (!pending) return undefined;
  pendingIds.delete(bytes);
  return pending.typeName === typeName ? pending.hasher.digest() : undefined;
}
