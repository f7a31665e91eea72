/** GET /live/:runId without a WebSocket upgrade: tell the caller how to connect. */
import { Router } from "express";
import { ApiError } from "../http/errors";
import { checkRunId } from "../http/ids";

export function liveRoutes(): Router {
  const router = Router();
  router.get("/live/:runId", (req) => {
    const rootId = checkRunId(req.params.runId);
    throw new ApiError(
      426,
      "upgrade_required",
      `the live graph is a WebSocket: connect a y-websocket client to ws://<host>/api/v1/live/${rootId}?token=<token>`,
    );
  });
  router.get("/live/notes/:runId", (req) => {
    const rootId = checkRunId(req.params.runId);
    throw new ApiError(
      426,
      "upgrade_required",
      `the notes pane is a WebSocket: connect a y-websocket client to room notes/${rootId} of ws://<host>/api/v1/live?token=<token>`,
    );
  });
  return router;
}
