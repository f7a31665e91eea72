/** Runs: list and search, one run, a root's graph, logs and notes. */
import { Router } from "express";
import type { ServerContext } from "../context";
import { jsonBody } from "../http/body";
import { bodyChecker } from "../http/contract";
import { ApiError } from "../http/errors";
import { checkRunId, RUN_ID } from "../http/ids";
import { query } from "../http/query";
import { RUN_STATES } from "../model/events";
import { getGraph, runPorts } from "../storage/graph";
import { getLogs } from "../storage/logs";
import { addNote, listNotes } from "../storage/notes";
import { getRoot } from "../storage/roots";
import { childIds, getRunDetail, listRuns, type RunCursor } from "../storage/runs";
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
  "limit",
  "cursor",
];

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
      limit: q.integer("limit", 1, 1000) ?? 50,
      cursor: decodeCursor(q.string("cursor", 200)),
    });
    res.json({ runs: page.runs, nextCursor: page.nextCursor && encodeCursor(page.nextCursor) });
  });

  router.get("/runs/:runId", (req, res) => {
    query(req, []);
    const runId = checkRunId(req.params.runId);
    const run = getRunDetail(db, runId);
    if (!run) throw unknownRun(runId);
    res.json({
      run,
      root: run.id === run.rootId ? (getRoot(db, runId) ?? null) : null,
      inputs: runPorts(db, runId, "input"),
      outputs: runPorts(db, runId, "output"),
      childIds: childIds(db, runId),
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
    query(req, []);
    const runId = checkRunId(req.params.runId);
    requireRun(db, runId);
    res.json({ notes: listNotes(db, runId) });
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
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
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
  } catch {
    // fall through to the error below
  }
  throw ApiError.badRequest(
    "invalid_cursor",
    'query parameter "cursor" is not a cursor this server issued: pass the nextCursor of the previous page',
  );
}
