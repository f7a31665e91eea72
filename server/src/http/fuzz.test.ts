// Thousands of hostile requests (seconds): not for the inner loop; `npm test` runs it.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RunEvent } from "../model/events";
import { fixtureId, jsonArtifact, pipelineFixture } from "../testing/fixture";
import { rowCounts, startTestServer, type TestServer } from "../testing/harness";
import { LiveClient } from "../testing/live-client";
import { type MalformedRequest, malformedRequests, prng } from "../testing/malformed";
import { FULL_SYNC_REQUEST, StallingLiveClient } from "../testing/stalling-live-client";

const REQUESTS = 4000;
const PARALLEL = 16;

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

/** Sends one request with node:http (full control over paths, headers and chunking). */
function send(base: URL, r: MalformedRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome): void => {
      if (!settled) {
        settled = true;
        resolve(o);
      }
    };
    const headers: Record<string, string | number> = { ...r.headers };
    if (r.body && !r.chunked) headers["content-length"] = r.body.length;
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method: r.method,
        path: r.path,
        headers,
        agent: false,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => done({ status: res.statusCode, body }));
        res.on("error", () => done({ status: res.statusCode, body }));
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => done({ error: err.code ?? err.message }));
    if (r.body) {
      if (r.chunked) {
        for (let i = 0; i < r.body.length; i += 16_384) req.write(r.body.subarray(i, i + 16_384));
      } else {
        req.write(r.body);
      }
    }
    req.end();
  });
}

function isErrorBody(text: string | undefined): boolean {
  try {
    const body = JSON.parse(text ?? "") as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === "string" && typeof body.error.message === "string";
  } catch {
    return false;
  }
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

describe("thousands of malformed requests", () => {
  let t: TestServer;
  const fx = pipelineFixture({ seed: "fuzz" });
  const active = pipelineFixture({ seed: "fuzz-active", unfinished: true });

  before(async () => {
    t = await startTestServer({
      maxBatchBytes: 256 * 1024,
      maxArtifactBytes: 64 * 1024,
      heartbeatTimeoutMs: 600_000,
    });
    await t.api.uploadArtifacts(fx.artifacts);
    await t.api.postEvents(fx.events);
    await t.api.postEvents(active.events);
  });
  after(() => t.close());

  it("answers every one with a 4xx JSON error, never a 5xx, stays up and writes nothing", async () => {
    // Read first: generating the requests takes seconds, longer than the server keeps an idle
    // keep-alive connection, and fetch would reuse one the server is closing.
    const root = await t.api.get(`/runs/${active.rootId}`);
    const at = (n: number): { id: string; rootId: string; at: number } => ({
      id: `${fx.rootId}:${100_000 + n}`,
      rootId: fx.rootId,
      at: Date.now(),
    });
    const fresh = jsonArtifact("fuzz-fresh");
    const child = fixtureId("fuzz", "child");
    // Each is valid and would be stored as it is; the fuzzer only sends broken variants of them.
    const validEvents: RunEvent[] = [
      {
        ...at(1),
        type: "run-created",
        run: {
          id: child,
          rootId: fx.rootId,
          parentId: fx.rootId,
          stepName: "extra",
          sourceHash: "ab".repeat(32),
          sourceText: "function extra() {}",
          tags: [],
          resources: {},
          cache: false,
          parameters: [],
          createdAt: Date.now(),
        },
      },
      { ...at(2), type: "run-state", runId: child, state: "running", attempt: 1 },
      { ...at(3), type: "artifact", artifact: (({ bytes: _b, ...info }) => info)(fresh) },
      {
        ...at(4),
        type: "edge",
        runId: child,
        direction: "output",
        name: "output",
        artifactId: fresh.id,
      },
      { ...at(5), type: "log", runId: child, stream: "stdout", text: "hello\n" },
      {
        ...at(6),
        type: "flow",
        runId: child,
        flows: [{ from: fx.runs.load!, kind: "future", parameter: "x", path: "x" }],
      },
      {
        ...at(7),
        type: "metric",
        runId: child,
        name: "loss",
        value: 0.5,
        step: 3,
        labels: { split: "validation" },
      },
    ];
    const requests = malformedRequests(
      {
        token: t.server.token,
        runId: fx.runs.load!,
        activeRootId: active.rootId,
        artifactId: fx.artifactIds.table!,
        validEvents,
        maxBatchBytes: 256 * 1024,
        maxArtifactBytes: 64 * 1024,
      },
      REQUESTS,
      20240601,
    );
    const counts = rowCounts(t.server.context.db);
    const files = listFiles(t.dataDir);

    const base = new URL(t.server.url);
    const outcomes: Outcome[] = new Array(requests.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < requests.length) {
          const i = next++;
          outcomes[i] = await send(base, requests[i]!);
        }
      }),
    );

    const byLabel = new Map<string, Map<string, number>>();
    const unexpected: string[] = [];
    outcomes.forEach((o, i) => {
      const r = requests[i]!;
      const key = o.status !== undefined ? String(o.status) : `error ${o.error}`;
      const counts = byLabel.get(r.label) ?? new Map<string, number>();
      counts.set(key, (counts.get(key) ?? 0) + 1);
      byLabel.set(r.label, counts);
      // Oversized bodies may see the connection closed before the 413 is read: that is a refusal too.
      const refused = o.status === undefined && r.label === "huge";
      const clientError = o.status !== undefined && o.status >= 400 && o.status < 500;
      if (!refused && !clientError) {
        unexpected.push(`${key}: ${r.method} ${r.path.slice(0, 120)} (${r.label})`);
      }
      // Node's HTTP parser answers 431 itself, and HEAD answers carry no body.
      if (clientError && o.status !== 431 && r.method !== "HEAD" && !isErrorBody(o.body)) {
        unexpected.push(
          `not a JSON error: ${r.method} ${r.path.slice(0, 120)}: ${o.body?.slice(0, 100)}`,
        );
      }
    });
    const summary = [...byLabel].map(
      ([label, c]) => `${label}: ${[...c].map(([k, n]) => `${k}×${n}`).join(" ")}`,
    );
    assert.deepEqual(unexpected.slice(0, 20), [], summary.join("\n"));
    assert.equal(outcomes.filter((o) => (o.status ?? 0) >= 500).length, 0);

    // Still up, and nothing changed: rows, files, and the active root's state.
    assert.equal((await t.api.get("/health")).status, 200);
    assert.deepEqual(rowCounts(t.server.context.db), counts);
    assert.deepEqual(
      listFiles(t.dataDir).filter((f) => !/lineage\.sqlite/.test(f)),
      files.filter((f) => !/lineage\.sqlite/.test(f)),
    );
    const rootAfter = await t.api.get<{ root: { cancelRequested: boolean } }>(
      `/runs/${active.rootId}`,
    );
    assert.deepEqual(rootAfter.body.root.cancelRequested, false);
    assert.deepEqual(
      { ...(rootAfter.body as object), root: null },
      { ...(root.body as object), root: null },
    );

    // And the valid events the fuzzer broke are accepted as they are.
    const ok = await t.api.postEvents(validEvents);
    assert.equal(ok.status, 200);
    assert.equal(ok.body.ingested, validEvents.length);
  });
});

describe("hostile live clients", () => {
  let t: TestServer;
  const fx = pipelineFixture({ seed: "fuzz-live" });
  before(async () => {
    t = await startTestServer({ maxLiveBufferBytes: 256 * 1024 });
    await t.api.postEvents(fx.events);
  });
  after(() => t.close());

  it("survive garbage frames and sync floods from clients that never read; honest clients still sync", async () => {
    const url = `${t.server.url.replace(/^http/, "ws")}/api/v1/live/${fx.rootId}?token=${t.server.token}`;
    const random = prng(20240602);
    const flooders: StallingLiveClient[] = [];
    const others: StallingLiveClient[] = [];
    for (let i = 0; i < 24; i++) {
      const attacker = await StallingLiveClient.open(url);
      if (i % 3 === 0) {
        flooders.push(attacker);
        await attacker.send(FULL_SYNC_REQUEST, 200 + Math.floor(random() * 800));
      } else {
        others.push(attacker);
        const garbage = Uint8Array.from({ length: 1 + Math.floor(random() * 100) }, () =>
          Math.floor(random() * 256),
        );
        await attacker.send(garbage, 1 + Math.floor(random() * 20));
      }
    }
    const honest = new LiveClient(url);
    await honest.synced;
    assert.equal(honest.runs().get(fx.rootId)?.state, "resolved");
    await honest.close();
    for (const attacker of flooders) {
      const { ended } = await attacker.drain(16 * 1024 * 1024);
      assert.equal(ended, true, "the server keeps serving a client that floods without reading");
    }
    // Garbage is refused (1007) or ignored (awareness and other message types); either way these
    // clients cost the server one connection until they leave.
    for (const attacker of others) attacker.destroy();
    assert.equal((await t.api.get("/health")).status, 200);
    const deadline = Date.now() + 5000;
    while (t.server.context.live.size > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(t.server.context.live.size, 0, "a document stayed open after every client left");
  });
});
