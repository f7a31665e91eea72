/**
 * Admission by resource counters: which queued jobs may start now.
 *
 * Strict FIFO, no backfill. Every queued request fits the empty machine (the executor refuses the
 * others at `submit`), so the head of the queue always starts once enough running jobs have ended,
 * and a job waits only for the jobs ahead of it, never for one queued behind it. Backfill (starting a
 * small job past a big head) would use idle cores sooner, but a steady stream of small jobs could
 * then keep the big one waiting forever; a job's start time under FIFO depends only on what came
 * before it, which is also what a user watching the queue expects.
 *
 * @example
 * ```ts
 * const admission = new Admission({ cpus: 2, memoryMiB: 4096, gpus: 0 });
 * admission.enqueue("a", { cpus: 2 });
 * admission.enqueue("b", {}); // cpus 1 when unset
 * admission.admit(); // ["a"]: b waits behind a
 * admission.release("a");
 * admission.admit(); // ["b"]
 * ```
 */
import type { ResourceRequest } from "./types";

/** A request with every axis filled in: cpus 1 when unset, memoryMiB and gpus 0. */
export interface Resources {
  cpus: number;
  memoryMiB: number;
  gpus: number;
}

const AXES = ["cpus", "memoryMiB", "gpus"] as const;

/** Fills in the defaults of a request: cpus 1 when unset, memoryMiB and gpus 0. */
export function normalizeResources(request: ResourceRequest): Resources {
  return { cpus: request.cpus ?? 1, memoryMiB: request.memoryMiB ?? 0, gpus: request.gpus ?? 0 };
}

/** The first axis of a request that is not a finite number ≥ 0, with why; undefined when valid. */
export function invalidAxis(request: ResourceRequest): string | undefined {
  for (const axis of AXES) {
    const value = request[axis];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      return `resources.${axis} must be a number ≥ 0 (got ${JSON.stringify(value)})`;
    }
  }
  return undefined;
}

/** True when `request` fits within `capacity` on every axis. */
export function fitsWithin(request: Resources, capacity: Resources): boolean {
  return AXES.every((axis) => request[axis] <= capacity[axis]);
}

/** FIFO queue and in-use counters of one executor. */
export class Admission {
  private readonly queue: Array<{ jobId: string; resources: Resources }> = [];
  private readonly running = new Map<string, Resources>();
  private readonly used: Resources = { cpus: 0, memoryMiB: 0, gpus: 0 };

  constructor(readonly capacity: Resources) {}

  /** Queues a job; the caller has checked that it fits the empty machine. */
  enqueue(jobId: string, request: ResourceRequest): void {
    this.queue.push({ jobId, resources: normalizeResources(request) });
  }

  /** Removes a queued job; false when it was not queued (already admitted, or unknown). */
  dequeue(jobId: string): boolean {
    const index = this.queue.findIndex((q) => q.jobId === jobId);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    return true;
  }

  /** Takes the resources of every job at the head of the queue that fits now, in order. */
  admit(): string[] {
    const admitted: string[] = [];
    for (let head = this.queue[0]; head !== undefined; head = this.queue[0]) {
      if (!fitsWithin(head.resources, this.free())) break;
      this.queue.shift();
      for (const axis of AXES) this.used[axis] += head.resources[axis];
      this.running.set(head.jobId, head.resources);
      admitted.push(head.jobId);
    }
    return admitted;
  }

  /** Gives back the resources of an admitted job (once; later calls do nothing). */
  release(jobId: string): void {
    const resources = this.running.get(jobId);
    if (resources === undefined) return;
    this.running.delete(jobId);
    for (const axis of AXES) this.used[axis] -= resources[axis];
  }

  /** Queued job ids, head first. */
  queuedIds(): string[] {
    return this.queue.map((q) => q.jobId);
  }

  usage(): { inUse: Resources; queued: number; running: number } {
    return { inUse: { ...this.used }, queued: this.queue.length, running: this.running.size };
  }

  private free(): Resources {
    return {
      cpus: this.capacity.cpus - this.used.cpus,
      memoryMiB: this.capacity.memoryMiB - this.used.memoryMiB,
      gpus: this.capacity.gpus - this.used.gpus,
    };
  }
}
