/**
 * The process table as Linux's /proc shows it: which processes belong to which process group, and
 * how much memory each holds. Read with plain file reads (no `ps`), because the memory watchdog
 * samples it several times a second.
 *
 * @example
 * ```ts
 * const members = groupMembers(readProcessTable(), pgid); // [{ pid, pgrp, state }, ...]
 * const rssKiB = residentKiB(members[0].pid); // undefined when it has gone meanwhile
 * ```
 */
import { readdirSync, readFileSync } from "node:fs";

/** One process: its id, its process group and its state letter (`Z` = exited, not yet reaped). */
export interface ProcessEntry {
  pid: number;
  pgrp: number;
  state: string;
}

/** True when this system has a readable /proc (Linux); the memory watchdog needs it. */
export function hasProcfs(): boolean {
  try {
    readFileSync("/proc/self/stat", "utf8");
    return true;
  } catch {
    return false;
  }
}

/**
 * Every process visible in /proc. A process that exits while being read is left out.
 * The `comm` field of /proc/<pid>/stat is in parentheses and may itself hold spaces and
 * parentheses, so the fields are counted from the last `)`.
 */
export function readProcessTable(): ProcessEntry[] {
  const entries: ProcessEntry[] = [];
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return entries;
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readStat(Number(name));
    if (entry) entries.push(entry);
  }
  return entries;
}

/** The process group of `pid` and its state, or undefined when it is gone. */
export function readStat(pid: number): ProcessEntry | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // After `comm`: state (field 3), ppid (4), pgrp (5).
  const state = fields[0];
  const pgrp = Number(fields[2]);
  if (state === undefined || !Number.isInteger(pgrp)) return undefined;
  return { pid, pgrp, state };
}

/** The live (not zombie) members of a process group. */
export function groupMembers(table: ProcessEntry[], pgid: number): ProcessEntry[] {
  return table.filter((p) => p.pgrp === pgid && p.state !== "Z");
}

/** The resident set size of a process in KiB (VmRSS), or undefined when it is gone or a zombie. */
export function residentKiB(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
