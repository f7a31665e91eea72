/** GET /health: the only route without a token, so it reveals nothing but liveness and version. */
import { Router } from "express";
import { VERSION } from "../version";

export function healthRoutes(): Router {
  const router = Router();
  router.get("/health", (_req, res) => {
    res.json({ ok: true, version: VERSION });
  });
  return router;
}
