/** Artifact metadata and its lineage: the runs that made or used this value, paged. */
import type { ArtifactView, RunView } from "../model/api";
import type { Db } from "./db";
import { type ArtifactRow, artifactView, RUN_COLUMNS, type RunRow, runView } from "./rows";

export function getArtifact(db: Db, artifactId: string): ArtifactView | undefined {
  const row = db
    .prepare<[string], ArtifactRow>(
      "SELECT id, type_name, media_type, size, summary_json FROM artifacts WHERE id = ?",
    )
    .get(artifactId);
  return row && artifactView(row);
}

/** A run at one end of an artifact's edge, with the parameter (or output) name. */
export interface LineageLink {
  name: string;
  run: RunView;
}

/**
 * Where a page of an artifact's lineage ends: producers (output edges) are walked first, then
 * consumers (input edges), each in arrival order (edge id).
 */
export interface ArtifactLineageCursor {
  direction: "output" | "input";
  edgeId: number;
}

/**
 * One page of the runs that made or used a value. Content addressing means equal values share one
 * artifact: a common value (`0`, `true`) collects every run that ever produced or took it, so the
 * answer is paged; it says nothing about which run's output reached which run (that is
 * `GET /runs/{id}/lineage`, from recorded flows).
 */
export interface ArtifactLineagePage {
  artifact: ArtifactView;
  producedBy: LineageLink[];
  consumedBy: LineageLink[];
  nextCursor: ArtifactLineageCursor | null;
}

/**
 * A page of at most `limit` links of an artifact's lineage, or undefined for an unknown artifact.
 *
 * @example
 * ```ts
 * let page = getLineage(db, artifactId, 50);
 * while (page?.nextCursor) page = getLineage(db, artifactId, 50, page.nextCursor);
 * ```
 */
export function getLineage(
  db: Db,
  artifactId: string,
  limit: number,
  cursor?: ArtifactLineageCursor,
): ArtifactLineagePage | undefined {
  const artifact = getArtifact(db, artifactId);
  if (!artifact) return undefined;
  const links = (
    direction: "input" | "output",
    afterEdge: number,
    max: number,
  ): (LineageLink & { edgeId: number })[] =>
    db
      .prepare<[string, string, number, number], RunRow & { edge_name: string; edge_id: number }>(
        `SELECT e.id AS edge_id, e.name AS edge_name, ${RUN_COLUMNS} FROM edges e
         JOIN runs r ON r.seq = e.run
         WHERE e.artifact = (SELECT seq FROM artifacts WHERE id = ?) AND e.direction = ? AND e.id > ?
         ORDER BY e.id LIMIT ?`,
      )
      .all(artifactId, direction, afterEdge, max)
      .map((row) => ({ edgeId: row.edge_id, name: row.edge_name, run: runView(row) }));
  // One more than asked tells whether another page follows.
  const producers =
    cursor?.direction === "input" ? [] : links("output", cursor?.edgeId ?? 0, limit + 1);
  const consumers =
    producers.length > limit
      ? []
      : links(
          "input",
          cursor?.direction === "input" ? cursor.edgeId : 0,
          limit + 1 - producers.length,
        );
  const all = [
    ...producers.map((l) => ({ ...l, direction: "output" as const })),
    ...consumers.map((l) => ({ ...l, direction: "input" as const })),
  ];
  const page = all.slice(0, limit);
  const last = page[page.length - 1];
  const strip = ({ name, run }: LineageLink): LineageLink => ({ name, run });
  return {
    artifact,
    producedBy: page.filter((l) => l.direction === "output").map(strip),
    consumedBy: page.filter((l) => l.direction === "input").map(strip),
    nextCursor:
      all.length > limit && last ? { direction: last.direction, edgeId: last.edgeId } : null,
  };
}
