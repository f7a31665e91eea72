/** Runs: list and search, one run, its children, a root's graph, lineage, logs and notes. */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import { checkRunId, RUN_ID } from "../http/ids";
import { query } from "../http/query";
import { RUN_STATES } from "../model/events";
import { flowsRecorded } from "../storage/flows";
import { getGraph, runInputs, runOutputs } from "../storage/graph";
import { type LineageCursor, runLineage } from "../storage/lineage";
import { getLogs } from "../storage/logs";
import { addNote, listNotes } from "../storage/notes";
import { getRoot, placesOf, rerunsOf } from "../storage/roots";
import { childIds, getRunDetail, listChildren, listRuns, type RunCursor } from "../storage/runs";
import { rootSummary } from "../storage/run-summary";
import { requireRoot, requireRun, unknownRun } from "./lookups";

/** The query parameters of `GET /runs` (openapi.test.ts checks them against openapi.yaml). */
export const LIST_PARAMS = [
  "name",
  "nameContains",
  "pipeline",
  "state",
  "tag",
  "root",
  "rootId",
  "since",
  "until",
  "q",
  "mode",
  "executor",
  "limit",
  "cursor",
  "summary",
];

/** The query parameters of `GET /runs/{id}/lineage`. */
export const LINEAGE_PARAMS = ["direction", "limit", "cursor"];
/** The query parameters of `GET /runs/{id}/children`. */
export const CHILDREN_PARAMS = ["limit", "cursor"];
/** The query parameters of `GET /runs/{id}/notes`. */
export const NOTES_PARAMS = ["limit", "cursor"];

export function runsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const { db } = ctx;

  router.get("/runs", (req, res) => {
    const q = query(req, LIST_PARAMS);
    const page = listRuns(db, {
      name: q.string("name"),
      nameContains: q.string("nameContains"),
      pipeline: q.string("pipeline"),
      states: q.listOf("state", RUN_STATES),
      tag: q.string("tag", 128),
      rootOnly: q.boolean("root"),
      rootId: q.matching("rootId", RUN_ID, "use a run id (8 to 64 lowercase hex characters)"),
      since: q.integer("since", 0, Number.MAX_SAFE_INTEGER),
      until: q.integer("until", 0, Number.MAX_SAFE_INTEGER),
      text: q.string("q"),
      mode: q.string("mode", 16),
      executor: q.string("executor", 64),
      limit: q.integer("limit", 1, 1000) ?? 50,
      cursor: decodeCursor(q.string("cursor", 200)),
    });
    // Root runs say which run they were rerun from (null: not a rerun).
    const rootIds = page.runs.filter((r) => r.id === r.rootId).map((r) => r.id);
    const reruns = rerunsOf(db, rootIds);
    // Root runs say where they ran: the runs panel marks and filters cloud runs by executor.
    const places = placesOf(db, rootIds);
    // summary=true: root runs carry what tells them apart in a list (steps, cache hits, failures,
    // first inputs); one indexed count and one small join per root of the page.
    const summary = q.boolean("summary");
    const runs = page.runs.map((r) =>
      r.id === r.rootId
        ? {
            ...r,
            rerunOf: reruns.get(r.id) ?? null,
            mode: places.get(r.id)?.mode ?? null,
            executor: places.get(r.id)?.executor ?? null,
            ...(summary ? { summary: rootSummary(db, r.id) } : {}),
          }
        : r,
    );
    res.json({ runs, nextCursor: page.nextCursor && encodeCursor(page.nextCursor) });
  });

  router.get("/runs/:runId", (req, res) => {
    query(req, []);
    const runId = checkRunId(req.params.runId);
    const run = getRunDetail(db, runId);
    if (!run) throw unknownRun(runId);
    const children = childIds(db, runId);
    res.json({
      run,
      root: run.id === run.rootId ? (getRoot(db, runId) ?? null) : null,
      inputs: runInputs(db, runId),
      outputs: runOutputs(db, runId),
      childIds: children.ids,
      moreChildren: children.more,
      flowsRecorded: flowsRecorded(db, runId),
    });
  });

  router.get("/runs/:runId/children", (req, res) => {
    const q = query(req, CHILDREN_PARAMS);
    const runId = checkRunId(req.params.runId);
    const limit = q.integer("limit", 1, 1000) ?? 100;
    const cursor = decodeCursor(q.string("cursor", 200));
    requireRun(db, runId);
    const page = listChildren(db, runId, limit, cursor);
    res.json({ runs: page.runs, nextCursor: page.nextCursor && encodeCursor(page.nextCursor) });
  });

  router.get("/runs/:runId/lineage", (req, res) => {
    const q = query(req, LINEAGE_PARAMS);
    const runId = checkRunId(req.params.runId);
    const direction = q.oneOf("direction", ["upstream", "downstream"] as const);
    if (direction === undefined) {
      throw ApiError.badRequest(
        "missing_parameter",
        'query parameter "direction" is required: upstream (what this run was made from) or downstream (what used it)',
      );
    }
    const limit = q.integer("limit", 1, 1000) ?? 50;
    const cursor = decodeLineageCursor(q.string("cursor", 200));
    requireRun(db, runId);
    const page = runLineage(db, runId, direction, limit, cursor);
    res.json({
      runId,
      direction,
      runs: page.runs,
      nextCursor: page.nextCursor && encodeLineageCursor(page.nextCursor),
      truncated: page.truncated,
    });
  });

  router.get("/runs/:runId/graph", (req, res) => {
    query(req, []);
    const root = requireRoot(db, checkRunId(req.params.runId));
    res.json({ root, ...getGraph(db, root.rootId) });
  });

  router.get("/runs/:runId/logs", (req, res) => {
    const q = query(req, ["limit", "cursor"]);
    const runId = checkRunId(req.params.runId);
    const limit = q.integer("limit", 1, 10_000) ?? 1000;
    const after = q.matching("cursor", /^\d{1,15}$/, "pass the nextCursor of the previous page");
    requireRun(db, runId);
    res.json(getLogs(db, runId, after === undefined ? 0 : Number(after), limit));
  });

  router.get("/runs/:runId/notes", (req, res) => {
    const q = query(req, NOTES_PARAMS);
    const runId = checkRunId(req.params.runId);
    const limit = q.integer("limit", 1, 1000) ?? 100;
    const after = q.matching("cursor", /^\d{1,15}$/, "pass the nextCursor of the previous page");
    requireRun(db, runId);
    res.json(listNotes(db, runId, after === undefined ? 0 : Number(after), limit));
  });

  const checkNote = bodyChecker<{ text: string; author?: string }>("NoteInput", "the note");
  router.post("/runs/:runId/notes", ...jsonBody(64 * 1024), (req, res) => {
    query(req, []);
    const runId = checkRunId(req.params.runId);
    const note = checkNote(req.body);
    requireRun(db, runId);
    res.status(201).json(addNote(db, runId, note.author ?? "anonymous", note.text, ctx.now()));
  });

  return router;
}

/** Cursors are opaque to clients: base64url of the last run's sort key. */
function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString("base64url");
}

function decodeCursor(text: string | undefined): RunCursor | undefined {
  if (text === undefined) return undefined;
  const value = decodeJsonCursor(text);
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    typeof value[0] === "number" &&
    Number.isFinite(value[0]) &&
    typeof value[1] === "string" &&
    RUN_ID.test(value[1])
  ) {
    return { createdAt: value[0], id: value[1] };
  }
  throw invalidCursor();
}

/** Lineage cursors: base64url of the last run's (depth, id). */
function encodeLineageCursor(cursor: LineageCursor): string {
  return Buffer.from(JSON.stringify([cursor.depth, cursor.runId])).toString("base64url");
}

function decodeLineageCursor(text: string | undefined): LineageCursor | undefined {
  if (text === undefined) return undefined;
  const value = decodeJsonCursor(text);
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    Number.isSafeInteger(value[0]) &&
    (value[0] as number) >= 1 &&
    typeof value[1] === "string" &&
    RUN_ID.test(value[1])
  ) {
    return { depth: value[0] as number, runId: value[1] };
  }
  throw invalidCursor();
}

function decodeJsonCursor(text: string): unknown {
  try {
    return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalidCursor();
  }
}

function invalidCursor(): ApiError {
  return ApiError.badRequest(
    "invalid_cursor",
    'query parameter "cursor" is not a cursor this server issued: pass the nextCursor of the previous page',
  );
}
