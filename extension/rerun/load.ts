/**
 * Reads what the "Rerun with New Inputs…" form is built from: the root run's input ports (edges
 * and artifacts, `GET /runs/{id}`), the old value of each JSON input (its artifact's bytes), and
 * the tables offered in place of each table input: recent outputs of the step that made the old
 * table (by its recorded producer), else the same input of recent runs of the pipeline.
 *
 * @example
 * ```ts
 * const model = await loadRerunForm(client, rootId);
 * new RerunForm({ model, onSubmit });
 * ```
 */
import type { LineageClient } from "../client";
import type { IPort, IRunWithPorts } from "../step/api";
import { RerunFormModel, type ITableChoice } from "./form-model";
import { TABLE_TYPE } from "./table-file";

/** How many recent runs are searched for other tables. */
const RECENT_RUNS = 10;

export async function loadRerunForm(
  client: LineageClient,
  rootId: string,
): Promise<RerunFormModel> {
  const root = await readRun(client, rootId);
  const inputs = root.inputs;
  const values = new Map<string, unknown>();
  const choices = new Map<string, readonly ITableChoice[]>();
  await Promise.all(
    inputs.map(async (port) => {
      if (port.artifact.typeName === "json") {
        try {
          const response = await client.request(`/api/v1/artifacts/${port.artifact.id}/value`, {
            accept: "*/*",
          });
          values.set(port.name, JSON.parse(await response.text()));
        } catch {
          // The field says the old value could not be read (RerunFormModel.NO_VALUE).
        }
      } else if (port.artifact.typeName === TABLE_TYPE) {
        choices.set(port.name, await tableChoices(client, root, port).catch(() => []));
      }
    }),
  );
  return new RerunFormModel({
    rootId,
    stepName: root.run.stepName,
    inputs,
    values,
    choices,
  });
}

async function readRun(client: LineageClient, runId: string): Promise<IRunWithPorts> {
  return (await client.requestJson(`/api/v1/runs/${encodeURIComponent(runId)}`)) as IRunWithPorts;
}

/** Other tables for the input `port` of `root`, newest first, each once. */
async function tableChoices(
  client: LineageClient,
  root: IRunWithPorts,
  port: IPort,
): Promise<ITableChoice[]> {
  const producer = port.producers?.[0];
  // The old table came from a step: its recent outputs. Else: what recent runs of the pipeline took.
  const stepName = producer?.stepName ?? root.run.stepName;
  const query = new URLSearchParams({ name: stepName, limit: String(RECENT_RUNS) });
  const page = (await client.requestJson(`/api/v1/runs?${query.toString()}`)) as {
    runs?: Array<{ id?: unknown }>;
  };
  const ids = (page.runs ?? []).flatMap((run) => (typeof run.id === "string" ? [run.id] : []));
  const runs = await Promise.all(ids.map((id) => readRun(client, id).catch(() => null)));
  const seen = new Set<string>([port.artifact.id]);
  const found: ITableChoice[] = [];
  for (const run of runs) {
    if (!run) {
      continue;
    }
    const ports = producer
      ? run.outputs
      : run.inputs.filter((candidate) => candidate.name === port.name);
    for (const candidate of ports) {
      const artifact = candidate.artifact;
      if (artifact.typeName !== TABLE_TYPE || seen.has(artifact.id)) {
        continue;
      }
      seen.add(artifact.id);
      const rows = artifact.summary.numRows;
      found.push({
        artifactId: artifact.id,
        label:
          `${run.run.stepName} ${run.run.id.slice(0, 8)} · ${candidate.name}` +
          (typeof rows === "number" ? ` · ${rows} rows` : ""),
      });
    }
  }
  return found;
}
