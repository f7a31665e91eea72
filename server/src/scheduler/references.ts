/**
 * Refusing work that names what this server does not have (a package, an input artifact) with a
 * 404 that says what to send first, before a job exists: its worker would only fail later, further
 * from the cause.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiError } from "../http/errors";
import type { InputRef } from "../model/jobs";
import type { Db } from "../storage/db";
import type { SchedulerState } from "./state";

/** The manifest of package `packageId`, or a 404 saying how to upload it. */
export function requirePackage(s: SchedulerState, packageId: string): Record<string, unknown> {
  if (s.packages.sizeOf(packageId) === undefined) {
    throw ApiError.notFound(
      "unknown_package",
      `no package ${packageId} on this server: upload it with \`tsematic package <file> --upload\` (POST /packages) first`,
    );
  }
  // Read synchronously: the manifest is small and routes stay synchronous.
  const archive = JSON.parse(
    readFileSync(join(s.deps.options.dataDir, "packages", ...shardOf(packageId)), "utf8"),
  ) as { manifest: Record<string, unknown> };
  return archive.manifest;
}

/** Throws a 404 naming the first input whose artifact this server does not have. */
export function requireArtifacts(db: Db, inputs: InputRef[]): void {
  const find = db.prepare<[string], { id: string }>("SELECT id FROM artifacts WHERE id = ?");
  for (const input of inputs) {
    if (!find.get(input.artifactId)) {
      throw ApiError.notFound(
        "unknown_artifact",
        `input "${input.name}" names artifact ${input.artifactId}, which this server does not have: send its artifact event (and bytes) first`,
      );
    }
  }
}

/** Where the package store keeps a content address (ArtifactStore.pathOf). */
function shardOf(id: string): string[] {
  return [id.slice(0, 2), id.slice(2)];
}
