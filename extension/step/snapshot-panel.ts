/**
 * The panel of a step of a run known only from a notebook's saved run view: a silent run (no
 * server knows it) or a run of another lineage server. It shows what the snapshot kept (name,
 * state, attempt, timings, the input and output summaries of the bundle's `artifacts`, where each
 * input came from, the error) and makes no request; one line says how to get full inspection.
 *
 * @example
 * ```ts
 * const panel = new SnapshotStepPanel({ runId, bundle, openStep: (id) => open(id) });
 * ```
 */
import { Widget } from "@lumino/widgets";

import { errorBlock } from "../artifacts/simple";
import { flowFromJson, type IBundleRun, type IRunViewBundle } from "../graph/model";
import { factList, stepLink } from "./dom";

export class SnapshotStepPanel extends Widget {
  constructor(options: SnapshotStepPanel.IOptions) {
    super();
    this.addClass("jp-TsematicStep");
    this.addClass("jp-mod-snapshot");
    this.runId = options.runId;
    this.rootId = options.bundle.rootId;
    // No id: the MainAreaWidget around the panel has the step's id (one element per id).
    this.node.dataset.runId = options.runId;
    this.title.closable = true;
    const run = options.bundle.runs?.find((candidate) => candidate.id === options.runId);
    this.title.label = run?.name ?? `Step ${options.runId.slice(0, 8)}`;
    this.title.caption = `Step run ${options.runId} (from the notebook's snapshot)`;
    this.node.dataset.state = run?.state ?? "";
    this.node.replaceChildren(...Private.content(options, run));
  }

  readonly runId: string;
  readonly rootId: string;
}

export namespace SnapshotStepPanel {
  export interface IOptions {
    runId: string;
    bundle: IRunViewBundle;
    /** Opens the snapshot panel of another step of the same run (an input's producer). */
    openStep?: (runId: string) => void;
  }
}

namespace Private {
  export function content(
    options: SnapshotStepPanel.IOptions,
    run: IBundleRun | undefined,
  ): HTMLElement[] {
    const { bundle, runId } = options;
    const silent = bundle.mode === "silent";
    const note = document.createElement("div");
    note.className = "jp-TsematicStep-snapshotNote";
    note.textContent = silent
      ? "A silent run (not tracked): this is what the notebook's snapshot kept. For full " +
        "inspection (values, logs, source, lineage), run the pipeline tracked: without " +
        "`tracking: false`."
      : `A run of another lineage server (${bundle.serverUrl ?? "unknown"}): this is what the ` +
        "notebook's snapshot kept. For full inspection, connect the run view to that server, " +
        "or set it in Settings › Tsematic.";
    if (!run) {
      const missing = document.createElement("div");
      missing.className = "jp-TsematicStep-error";
      missing.textContent = `The snapshot of run ${bundle.rootId} has no step ${runId}.`;
      return [note, missing];
    }
    const nodes: HTMLElement[] = [header(run), note];
    const names = new Map((bundle.runs ?? []).map((r) => [r.id, r.name ?? r.id]));
    const flows = (bundle.edges ?? [])
      .map(flowFromJson)
      .filter((flow) => flow !== null && flow.kind !== "awaited");
    const inputs = Object.entries(run.inputs ?? {});
    nodes.push(section(`Inputs (${inputs.length})`));
    for (const [name, artifactId] of inputs) {
      const from = flows.filter((flow) => flow?.to === runId && flow.parameter === name);
      const producers = from.map((flow) => ({
        runId: flow?.from ?? "",
        label: names.get(flow?.from ?? "") ?? "",
        detail: flow?.path && flow.path !== name ? flow.path : "",
      }));
      nodes.push(port(bundle, name, artifactId, "from", producers, options.openStep));
    }
    if (run.output !== undefined) {
      nodes.push(section("Outputs (1)"));
      const used = flows
        .filter((flow) => flow?.from === runId)
        .map((flow) => ({
          runId: flow?.to ?? "",
          label: names.get(flow?.to ?? "") ?? "",
          detail: flow?.parameter ?? "",
        }));
      nodes.push(port(bundle, "output", run.output, "used by", used, options.openStep));
    }
    if (run.error) {
      nodes.push(section("Error"));
      nodes.push(
        errorBlock(
          run.error.name ?? "Error",
          run.error.message ?? "",
          typeof run.error.stack === "string" && run.error.stack ? run.error.stack : null,
        ),
      );
    }
    return nodes;
  }

  function header(run: IBundleRun): HTMLElement {
    const node = document.createElement("div");
    node.className = "jp-TsematicStep-header";
    const title = document.createElement("h2");
    title.className = "jp-TsematicStep-title";
    title.textContent = run.name ?? run.id;
    const state = document.createElement("span");
    state.className = `jp-TsematicStep-state jp-mod-${run.state ?? "created"}`;
    state.textContent = run.state ?? "created";
    title.appendChild(state);
    const rows: Array<[string, string]> = [
      ["run", run.id],
      ["attempt", String(run.attempt ?? 1)],
      ["cache", run.cached ? "hit: outputs reused" : "computed"],
      ["created", time(run.createdAt)],
      ["started", time(run.startedAt)],
      ["ended", time(run.endedAt)],
      ["duration", duration(run)],
    ];
    node.append(title, factList(rows));
    return node;
  }

  function port(
    bundle: IRunViewBundle,
    name: string,
    artifactId: string,
    verb: string,
    runs: ReadonlyArray<{ runId: string; label: string; detail: string }>,
    openStep: ((runId: string) => void) | undefined,
  ): HTMLElement {
    const box = document.createElement("div");
    box.className = "jp-TsematicStep-port";
    box.dataset.port = name;
    const head = document.createElement("div");
    head.className = "jp-TsematicStep-portHeader";
    const label = document.createElement("span");
    label.className = "jp-TsematicStep-portName";
    label.textContent = name;
    const meta = document.createElement("span");
    meta.className = "jp-TsematicStep-portMeta";
    const artifact = bundle.artifacts?.[artifactId];
    meta.textContent = artifact
      ? `${artifact.typeName} · ${bytes(artifact.size)} · ${artifactId.slice(0, 12)}`
      : artifactId.slice(0, 12);
    meta.title = artifactId;
    head.append(label, meta);
    if (runs.length > 0) {
      const line = document.createElement("div");
      line.className = "jp-TsematicStep-flows";
      line.append(`${verb}: `);
      runs.forEach((flow, index) => {
        if (index > 0) {
          line.append(", ");
        }
        line.append(stepLink(flow.runId, flow.label || flow.runId, "", openStep));
        if (flow.detail) {
          line.append(` (${flow.detail})`);
        }
      });
      head.append(line);
    }
    box.append(head);
    const summary = document.createElement("pre");
    summary.className = "jp-TsematicStep-summary";
    summary.textContent = artifact
      ? JSON.stringify(artifact.summary, null, 2)
      : "(no summary in the snapshot)";
    box.append(summary);
    return box;
  }

  function section(title: string): HTMLElement {
    const node = document.createElement("h3");
    node.className = "jp-TsematicStep-section";
    node.textContent = title;
    return node;
  }

  function time(ms: number | undefined): string {
    return typeof ms === "number" ? new Date(ms).toLocaleString() : "–";
  }

  function duration(run: IBundleRun): string {
    if (typeof run.startedAt !== "number") {
      return "not started";
    }
    if (typeof run.endedAt !== "number") {
      return "not ended when the snapshot was saved";
    }
    const ms = run.endedAt - run.startedAt;
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`;
  }

  function bytes(size: number): string {
    return size < 1024 ? `${size} B` : `${(size / 1024).toFixed(1)} KiB`;
  }
}
