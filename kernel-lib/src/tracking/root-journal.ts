/**
 * Durable kernel roots: a restarted kernel re-running a cell adopts the root run that a killed
 * kernel left open, instead of running its finished children again.
 *
 * A tracked root made by `await` in a kernel (or a script) has a **root key**: the server, the
 * notebook (or script), the root step, its source hash, its input artifact ids and the cache
 * namespace. While the root runs, `<TSEMATIC_HOME>/kernel-roots/<key>.json` names it, this process
 * and its writer attempt; the file is removed when the root ends, whatever its state. A file that
 * is still there names a root whose process died (`kill -9`, an OOM-killed or restarted kernel).
 * The next root with the same key, on the same host, then:
 * - **adopts** it when the server still has it open (the root lease had not expired): the same root
 *   id, written as the next attempt (event ids `<root>:<root>.<attempt>:<seq>`), children looked
 *   up by their durable ids (resolved ones reused, open dispatched jobs re-attached);
 * - **resumes from** it when the server already ended it as abandoned (`ClientLostError`): a new
 *   root whose children that resolved in the abandoned root are reused, recorded as resolved with
 *   `originalRunId` naming the run that made the output (as a cache hit is);
 * - else starts a new root (the old root is unknown to the server, or ended some other way).
 * A normal second run of a finished cell finds no file: a new root, cache rules as always.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { TERMINAL_STATES, type RunState } from "../events";
import { processExists } from "./endpoint";
import { ServerRefusedError, type ServerClient } from "./http";

/** What identifies "the same cell run again" (see the module comment). */
export interface RootKeyParts {
  serverUrl: string;
  /** The notebook's path, else the script's (`process.argv[1]`). */
  source: string;
  stepName: string;
  sourceHash: string;
  /** The root's argument artifact ids; a future argument stands as `f<index>`. */
  argumentIds: readonly string[];
  namespace: string;
}

/**
 * The root key: 32 hex of sha256 over its parts.
 *
 * @example
 * ```ts
 * rootKey({ serverUrl, source: "/p/a.ipynb", stepName: "pipeline", sourceHash, argumentIds: [id], namespace: "default" });
 * ```
 */
export function rootKey(parts: RootKeyParts): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        parts.serverUrl,
        parts.source,
        parts.stepName,
        parts.sourceHash,
        parts.argumentIds,
        parts.namespace,
      ]),
    )
    .digest("hex")
    .slice(0, 32);
}

interface JournalEntry {
  rootId: string;
  /** The writer attempt of the process that holds the root. */
  attempt: number;
  pid: number;
  host: string;
  startedAt: number;
}

/** How a root with a key starts (see the module comment). */
export interface RootClaim {
  rootId: string;
  /** The writer attempt of this process: 1, or the adopted root's next. */
  attempt: number;
  /**
   * The interrupted root whose runs are looked up before running children: the root itself when
   * adopted, the abandoned one when resuming from it. Undefined for a new root.
   */
  priorRootId?: string;
  /** How the root was found: for the run view's note and the tests. */
  how: "new" | "adopted" | "resumed";
  /** Removes the journal entry (the root ended). */
  release(): void;
}

function readEntry(file: string): JournalEntry | undefined {
  try {
    const entry = JSON.parse(readFileSync(file, "utf8")) as Partial<JournalEntry>;
    if (
      typeof entry.rootId === "string" &&
      /^[0-9a-f]{32}$/.test(entry.rootId) &&
      typeof entry.attempt === "number" &&
      typeof entry.pid === "number" &&
      typeof entry.host === "string"
    ) {
      return entry as JournalEntry;
    }
  } catch {
    // none, or unreadable (a torn write cannot happen: entries are renamed into place)
  }
  return undefined;
}

/** The root run's state and error name as the server has it; undefined when it is unknown. */
async function rootOnServer(
  client: ServerClient,
  rootId: string,
): Promise<{ state: RunState; errorName?: string } | undefined> {
  try {
    const detail = await client.json<{ run: { state: RunState; error?: { name: string } | null } }>(
      "GET",
      `/runs/${rootId}`,
    );
    return {
      state: detail.run.state,
      ...(detail.run.error ? { errorName: detail.run.error.name } : {}),
    };
  } catch (error) {
    if (error instanceof ServerRefusedError && /failed with 404/.test(error.message)) {
      return undefined;
    }
    throw error;
  }
}

/** Whether the root is still open on the server and this heartbeat kept it so. */
async function keepAlive(client: ServerClient, rootId: string): Promise<boolean> {
  const beat = await client.json<{ status?: string }>("POST", `/runs/${rootId}/heartbeat`);
  return beat.status === "active";
}

/**
 * Decides how a root with `key` starts and records it in the journal under `dir`.
 * `proposedRootId` is used unless an interrupted root is adopted.
 */
export async function claimRoot(
  dir: string,
  key: string,
  proposedRootId: string,
  client: ServerClient,
): Promise<RootClaim> {
  const file = join(dir, `${key}.json`);
  const prior = readEntry(file);
  const fresh = (how: RootClaim["how"] = "new", priorRootId?: string): RootClaim =>
    record(file, { rootId: proposedRootId, attempt: 1 }, how, priorRootId);
  if (!prior) return fresh();
  const mine = prior.host === hostname() && prior.pid === process.pid;
  if (prior.host !== hostname() || mine || processExists(prior.pid)) {
    // Its process lives (the same cell running twice at once), or runs elsewhere: a new root,
    // unrecorded, so that the live one keeps its entry.
    return { rootId: proposedRootId, attempt: 1, how: "new", release: () => undefined };
  }
  const onServer = await rootOnServer(client, prior.rootId);
  if (onServer && !TERMINAL_STATES.has(onServer.state) && (await keepAlive(client, prior.rootId))) {
    return record(
      file,
      { rootId: prior.rootId, attempt: prior.attempt + 1 },
      "adopted",
      prior.rootId,
    );
  }
  if (onServer?.state === "failed" && onServer.errorName === "ClientLostError") {
    return fresh("resumed", prior.rootId);
  }
  return fresh();
}

function record(
  file: string,
  root: { rootId: string; attempt: number },
  how: RootClaim["how"],
  priorRootId: string | undefined,
): RootClaim {
  const entry: JournalEntry = {
    ...root,
    pid: process.pid,
    host: hostname(),
    startedAt: Date.now(),
  };
  mkdirSync(join(file, ".."), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry));
  renameSync(tmp, file);
  const release = (): void => {
    const now = readEntry(file);
    // Another process took the key over since (it adopted this root after a hang): leave its entry.
    if (now?.pid !== process.pid || now.rootId !== root.rootId) return;
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  return { ...root, how, ...(priorRootId ? { priorRootId } : {}), release };
}
