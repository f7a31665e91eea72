/**
 * Reading recorded data flows: a root's flows (graph, live document), one input's producers and one
 * run's consumers. Flows are read exactly as recorded; nothing here compares artifact ids.
 */
import type { ConsumerView, FlowView, ProducerView } from "../model/api";
import type { FlowKind } from "../model/events";
import type { Statement } from "better-sqlite3";
import type { Db } from "./db";

/** Producers per input and consumers per output are cut here (with `more: true`). */
export const PORT_FLOW_LIMIT = 100;

interface FlowRow {
  to_id: string;
  from_run: string;
  kind: FlowKind;
  parameter: string | null;
  path: string;
}

const FLOW_COLUMNS = "r.id AS to_id, f.from_run, f.kind, f.parameter, f.path";

export function flowView(row: FlowRow): FlowView {
  const view: FlowView = { from: row.from_run, to: row.to_id, kind: row.kind };
  if (row.parameter !== null) view.parameter = row.parameter;
  if (row.path !== "") view.path = row.path;
  return view;
}

/** The key of a flow in the live document: `"<to>|<from>|<kind>|<path or ''>"`. */
export function flowKey(f: FlowView): string {
  return `${f.to}|${f.from}|${f.kind}|${f.path ?? ""}`;
}

/** Every flow into the runs of one root run, in arrival order. */
export function rootFlows(db: Db, rootId: string): FlowView[] {
  return db
    .prepare<[string], FlowRow>(
      `SELECT ${FLOW_COLUMNS} FROM flows f JOIN runs r ON r.seq = f.run
       WHERE r.root_id = ? ORDER BY f.id`,
    )
    .all(rootId)
    .map(flowView);
}

/** Prepared once per database: live documents ask after every window of ingest. */
const flowsIntoStatements = new WeakMap<Db, Statement<[string], FlowRow>>();

/** Every flow into the given runs, in arrival order. */
export function flowsInto(db: Db, runIds: readonly string[]): FlowView[] {
  if (runIds.length === 0) return [];
  let statement = flowsIntoStatements.get(db);
  if (!statement) {
    statement = db.prepare<[string], FlowRow>(
      `SELECT ${FLOW_COLUMNS} FROM flows f JOIN runs r ON r.seq = f.run
       WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY f.id`,
    );
    flowsIntoStatements.set(db, statement);
  }
  return statement.all(JSON.stringify(runIds)).map(flowView);
}

/** A bounded list: at most `limit` items, and whether more were recorded. */
export interface Bounded<T> {
  items: T[];
  more: boolean;
}

/** The recorded producers of one input (parameter) of a run, at most {@link PORT_FLOW_LIMIT}. */
export function producersOf(db: Db, runId: string, parameter: string): Bounded<ProducerView> {
  const rows = db
    .prepare<
      [string, string, number],
      { from_run: string; step_name: string | null; kind: FlowKind; path: string }
    >(
      `SELECT f.from_run, p.step_name, f.kind, f.path FROM flows f
       LEFT JOIN runs p ON p.id = f.from_run
       WHERE f.run = (SELECT seq FROM runs WHERE id = ?) AND f.parameter = ?
       ORDER BY f.id LIMIT ?`,
    )
    .all(runId, parameter, PORT_FLOW_LIMIT + 1);
  const items = rows.slice(0, PORT_FLOW_LIMIT).map((row) => {
    const view: ProducerView = { runId: row.from_run, stepName: row.step_name, kind: row.kind };
    if (row.path !== "") view.path = row.path;
    return view;
  });
  return { items, more: rows.length > PORT_FLOW_LIMIT };
}

/** The recorded consumers of a run's output, at most {@link PORT_FLOW_LIMIT}. */
export function consumersOf(db: Db, runId: string): Bounded<ConsumerView> {
  const rows = db
    .prepare<
      [string, number],
      {
        id: string;
        step_name: string;
        kind: FlowKind;
        parameter: string | null;
        path: string;
      }
    >(
      `SELECT c.id, c.step_name, f.kind, f.parameter, f.path FROM flows f
       JOIN runs c ON c.seq = f.run
       WHERE f.from_run = ? ORDER BY f.id LIMIT ?`,
    )
    .all(runId, PORT_FLOW_LIMIT + 1);
  const items = rows.slice(0, PORT_FLOW_LIMIT).map((row) => {
    const view: ConsumerView = { runId: row.id, stepName: row.step_name, kind: row.kind };
    if (row.parameter !== null) view.parameter = row.parameter;
    if (row.path !== "") view.path = row.path;
    return view;
  });
  return { items, more: rows.length > PORT_FLOW_LIMIT };
}

/**
 * Whether flows into this run could have been recorded: false for runs stored before the server
 * recorded flows (migration 6), whose inputs have an unknown producer.
 */
export function flowsRecorded(db: Db, runId: string): boolean {
  const row = db
    .prepare<[string], { recorded: number }>(
      `SELECT r.seq >= (SELECT first_run_seq FROM flow_recording) AS recorded FROM runs r
       WHERE r.id = ?`,
    )
    .get(runId);
  return row?.recorded === 1;
}
