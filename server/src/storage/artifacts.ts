/** Artifact metadata and lineage: which runs produced an artifact and which consumed it. */
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

export interface Lineage {
  artifact: ArtifactView;
  /** Content addressing means equal values share one artifact: it may have several producers. */
  producedBy: LineageLink[];
  consumedBy: LineageLink[];
}

export function getLineage(db: Db, artifactId: string): Lineage | undefined {
  const artifact = getArtifact(db, artifactId);
  if (!artifact) return undefined;
  const links = (direction: "input" | "output"): LineageLink[] =>
    db
      .prepare<[string, string], RunRow & { edge_name: string }>(
        `SELECT e.name AS edge_name, ${RUN_COLUMNS} FROM edges e JOIN runs r ON r.seq = e.run
         WHERE e.artifact = (SELECT seq FROM artifacts WHERE id = ?) AND e.direction = ?
         ORDER BY r.created_at, r.id`,
      )
      .all(artifactId, direction)
      .map((row) => ({ name: row.edge_name, run: runView(row) }));
  return { artifact, producedBy: links("output"), consumedBy: links("input") };
}
