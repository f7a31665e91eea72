/**
 * Which notebook cell each promoted run came from, so that the commands that act on a cell's run
 * (cancel, open) find a cloud run whose graph is not in the cell's outputs. Keyed by the cell
 * model's id; kept for the page's life (after a reload the runs panel and the run's own panel act
 * on it by id).
 *
 * @example
 * ```ts
 * promotedRuns.set(cell.model.id, { rootId, serverUrl, stepName, executor });
 * promotedRuns.get(cell.model.id)?.rootId;
 * ```
 */
import type { IPromotedRun } from "./run-panel";

export const promotedRuns = new Map<string, IPromotedRun>();
