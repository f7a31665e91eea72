/** The Express application: middleware order, and every route under /api/v1. */
import express, { type Express } from "express";
import { requireToken } from "./auth/middleware";
import { workerScope } from "./auth/worker-scope";
import type { ServerContext } from "./context";
import { cors } from "./http/cors";
import { errorHandler, routeNotFound } from "./http/errors";
import { requireKnownHost } from "./http/host";
import { artifactsRoutes } from "./routes/artifacts";
import { cacheRoutes } from "./routes/cache";
import { controlRoutes } from "./routes/control";
import { eventsRoutes } from "./routes/events";
import { executorsRoutes } from "./routes/executors";
import { healthRoutes } from "./routes/health";
import { jobsRoutes } from "./routes/jobs";
import { liveRoutes } from "./routes/live";
import { metricsRoutes } from "./routes/metrics";
import { packagesRoutes } from "./routes/packages";
import { dependenciesRoutes } from "./routes/dependencies";
import { runsRoutes } from "./routes/runs";
import { rerunsRoutes } from "./routes/reruns";
import { submissionsRoutes } from "./routes/submissions";
import { uploadsRoutes } from "./routes/uploads";

export const API_PREFIX = "/api/v1";

export function createApp(ctx: ServerContext): Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  app.use((_req, res, next) => {
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Cache-Control", "no-store");
    next();
  });
  app.use(requireKnownHost(ctx.options.host, ctx.options.allowedHosts));
  app.use(cors(ctx.options.corsOrigins));
  app.use(API_PREFIX, healthRoutes(ctx));
  app.use(API_PREFIX, requireToken(ctx.token, ctx.db), workerScope(ctx));
  app.use(
    API_PREFIX,
    eventsRoutes(ctx),
    runsRoutes(ctx),
    metricsRoutes(ctx),
    controlRoutes(ctx),
    artifactsRoutes(ctx),
    uploadsRoutes(ctx),
    cacheRoutes(ctx),
    packagesRoutes(ctx),
    dependenciesRoutes(ctx),
    jobsRoutes(ctx),
    submissionsRoutes(ctx),
    rerunsRoutes(ctx),
    executorsRoutes(ctx),
    liveRoutes(),
  );
  app.use(routeNotFound);
  app.use(errorHandler(ctx.options.log));
  return app;
}
