/** The shapes the API answers with (described in openapi.yaml under components/schemas). */
import type { ErrorInfo, JsonValue, ResourceRequest, RunMode, RunState } from "./events";

/** A run without its source text (lists and graphs). */
export interface RunView {
  id: string;
  rootId: string;
  parentId: string | null;
  stepName: string;
  state: RunState;
  attempt: number;
  sourceHash: string;
  version: string | null;
  parameters: string[];
  cache: boolean;
  tags: string[];
  resources: ResourceRequest;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  cacheKey: string | null;
  originalRunId: string | null;
  error: ErrorInfo | null;
}

export interface RunDetailView extends RunView {
  sourceText: string;
}

export type RootStatus = "active" | "finished" | "abandoned";

/** A root run's resolution: how it was run and where, and whether its client is alive. */
export interface RootView {
  rootId: string;
  mode: RunMode;
  status: RootStatus;
  environment: {
    nodeVersion: string | null;
    platform: string | null;
    lockfileHash: string | null;
    gitCommit: string | null;
    notebookPath: string | null;
    hostname: string | null;
  };
  createdAt: number;
  lastHeartbeatAt: number;
  cancelRequested: boolean;
}

export interface ArtifactView {
  id: string;
  typeName: string;
  mediaType: string;
  size: number;
  summary: { [key: string]: JsonValue };
}

export interface EdgeView {
  runId: string;
  direction: "input" | "output";
  name: string;
  artifactId: string;
}

/** An input or output of one run, with the artifact's summary. */
export interface PortView {
  name: string;
  artifact: ArtifactView;
}

export interface LogLineView {
  seq: number;
  stream: "stdout" | "stderr";
  text: string;
  at: number;
}

export interface NoteView {
  id: number;
  runId: string;
  author: string;
  text: string;
  createdAt: number;
}
