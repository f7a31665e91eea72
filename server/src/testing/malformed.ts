/**
 * Malformed requests for the fuzz test: every one must be answered with a 4xx (or refused at the
 * connection for oversized bodies) and must write nothing. Generated from a seeded PRNG, so a
 * failure is reproducible.
 */
import type { RunEvent } from "../model/events";

export interface MalformedRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean;
}

export interface FuzzTargets {
  token: string;
  /** Valid ids of existing runs, roots and artifacts (used with otherwise invalid requests). */
  runId: string;
  activeRootId: string;
  artifactId: string;
  /** Valid events of every type that reference existing runs and would be accepted as they are. */
  validEvents: RunEvent[];
  maxBatchBytes: number;
  maxArtifactBytes: number;
}

/** Mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BAD_IDS = [
  "../../etc/passwd",
  "..",
  "..%2F..%2Fetc%2Fpasswd",
  "%2e%2e%2f%2e%2e%2fetc",
  "..%5C..%5Cwindows",
  "%00",
  "deadbeef%00",
  "a".repeat(65),
  "f".repeat(63),
  "ABCDEF12",
  "abc",
  "%20",
  "%E0%A4%A",
  "%",
  "%3Cscript%3E",
  "'%20OR%201=1%20--",
  "%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9",
  "x".repeat(5000),
  "0x1234abcd",
  "-1",
  "1e10",
  "null",
  "undefined",
  "__proto__",
  "constructor",
];

const ROUTES: [string, string][] = [
  ["GET", "/api/v1/runs/{id}"],
  ["GET", "/api/v1/runs/{id}/graph"],
  ["GET", "/api/v1/runs/{id}/logs"],
  ["GET", "/api/v1/runs/{id}/notes"],
  ["POST", "/api/v1/runs/{id}/notes"],
  ["POST", "/api/v1/runs/{id}/cancel"],
  ["POST", "/api/v1/runs/{id}/heartbeat"],
  ["GET", "/api/v1/artifacts/{id}"],
  ["GET", "/api/v1/artifacts/{id}/value"],
  ["HEAD", "/api/v1/artifacts/{id}/value"],
  ["PUT", "/api/v1/artifacts/{id}/value?typeName=json"],
  ["GET", "/api/v1/artifacts/{id}/lineage"],
  ["GET", "/api/v1/cache/{id}"],
  ["GET", "/api/v1/live/{id}"],
  ["GET", "/api/v1/runs/{id}/metrics"],
  ["GET", "/api/v1/runs/{id}/notes-pane"],
  ["GET", "/api/v1/live/notes/{id}"],
];

/** Values of the wrong JSON type for most fields. */
const WRONG_TYPES: unknown[] = [null, true, 0, -1, 1.5, "", "x", [], [1, "a"], {}, { a: 1 }];

type Mutation = [path: string[], value: unknown];

/** Mutations that make an event invalid (schema or consistency), by event type. */
function mutationsFor(event: RunEvent, targets: FuzzTargets): Mutation[] {
  const unknownRun = "0123456789abcdef0123456789abcdef";
  const common: Mutation[] = [
    [["type"], "bogus"],
    [["type"], 5],
    [["type"], undefined],
    [["id"], "x"],
    [["id"], 5],
    [["id"], `${event.rootId}:-1`],
    [["id"], `${event.rootId}:1.5`],
    [["id"], `${event.rootId.toUpperCase()}:1`],
    [["id"], `${unknownRun}:1`],
    [["id"], undefined],
    [["rootId"], "../../etc"],
    [["rootId"], 5],
    [["rootId"], undefined],
    [["at"], "now"],
    [["at"], -1],
    [["at"], null],
    [["at"], undefined],
  ];
  switch (event.type) {
    case "run-created":
      return [
        ...common,
        [["run"], null],
        [["run"], "x"],
        [["run"], []],
        [["run"], undefined],
        [["run", "id"], "ZZ"],
        [["run", "id"], "../x"],
        [["run", "rootId"], unknownRun],
        [["run", "parentId"], 5],
        [["run", "parentId"], "zz"],
        [["run", "parentId"], unknownRun],
        [["run", "stepName"], ""],
        [["run", "stepName"], 5],
        [["run", "stepName"], "x".repeat(300)],
        [["run", "sourceHash"], "not hex"],
        [["run", "sourceText"], 5],
        [["run", "sourceText"], undefined],
        [["run", "tags"], "a"],
        [["run", "tags"], [5]],
        [["run", "tags"], [""]],
        [["run", "resources"], "x"],
        [["run", "resources", "cpus"], "2"],
        [["run", "resources", "gpus"], -1],
        [["run", "cache"], "yes"],
        [["run", "parameters"], "a"],
        [["run", "parameters"], [1]],
        [["run", "createdAt"], "t"],
        [["run", "mode"], "remote"],
        [["run", "environment"], {}],
        [["run", "environment"], { nodeVersion: 5, platform: "linux" }],
        [["run", "version"], 3],
      ];
    case "run-state":
      return [
        ...common,
        [["runId"], unknownRun],
        [["runId"], "x"],
        [["state"], "done"],
        [["state"], 5],
        [["attempt"], 0],
        [["attempt"], 1.5],
        [["attempt"], "1"],
        [["cacheKey"], "abc"],
        [["originalRunId"], "x"],
        [["error"], "boom"],
        [["error"], {}],
        [["error"], { name: "E", message: 5, stepName: "s", path: [], runId: targets.runId }],
      ];
    case "artifact":
      return [
        ...common,
        [["artifact"], null],
        [["artifact", "id"], "x"],
        [["artifact", "id"], "F".repeat(64)],
        [["artifact", "size"], -1],
        [["artifact", "size"], "1"],
        [["artifact", "size"], 1.5],
        [["artifact", "typeName"], ""],
        [["artifact", "typeName"], "a b"],
        [["artifact", "typeName"], "../x"],
        [["artifact", "mediaType"], "text"],
        [["artifact", "mediaType"], "a/b\r\nX-Injected: 1"],
        [["artifact", "summary"], "s"],
        [["artifact", "summary"], [1]],
        [["artifact", "summary"], null],
      ];
    case "edge":
      return [
        ...common,
        [["runId"], unknownRun],
        [["direction"], "sideways"],
        [["name"], ""],
        [["name"], 5],
        [["artifactId"], "x"],
        [["artifactId"], "e".repeat(64)],
      ];
    case "log":
      return [
        ...common,
        [["runId"], unknownRun],
        [["stream"], "stdlog"],
        [["text"], 5],
        [["text"], null],
        [["text"], undefined],
      ];
    case "flow":
      return [
        ...common,
        [["runId"], unknownRun],
        [["flows"], []],
        [["flows"], "x"],
        [["flows"], [{ from: "x", kind: "future" }]],
        [["flows"], [{ from: unknownRun, kind: "guessed" }]],
        [["flows"], [{ from: unknownRun, kind: "future", parameter: "" }]],
        [["flows"], [{ from: unknownRun, kind: "awaited", path: "x" }]],
        [["flows"], [{ from: event.runId, kind: "future", parameter: "x", path: "x" }]],
        [["flows"], [{ from: unknownRun, kind: "future", extra: 1 }]],
      ];
    case "metric":
      return [
        ...common,
        [["runId"], unknownRun],
        [["name"], ""],
        [["name"], "x".repeat(201)],
        [["value"], "1"],
        [["value"], null],
        [["step"], -1],
        [["step"], 1.5],
        [["labels"], { "": "x" }],
        [["labels"], { k: "x".repeat(201) }],
        [["labels"], Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, "v"]))],
        [["labels"], { k: 5 }],
      ];
  }
}

function mutate(event: RunEvent, [path, value]: Mutation): unknown {
  const copy = JSON.parse(JSON.stringify(event)) as Record<string, unknown>;
  let target = copy;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (typeof next !== "object" || next === null) return copy;
    target = next as Record<string, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}

export function malformedRequests(t: FuzzTargets, count: number, seed = 1): MalformedRequest[] {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const auth = { authorization: `Bearer ${t.token}` };
  const json = { ...auth, "content-type": "application/json" };
  const batch = (events: unknown): Buffer => Buffer.from(JSON.stringify({ events }));
  const validBatch = batch(t.validEvents);

  const generators: (() => MalformedRequest)[] = [
    // Missing, wrong or malformed tokens, on valid requests that would otherwise write.
    () => {
      const headers = pick<Record<string, string>>([
        {},
        { authorization: "Bearer wrong" },
        { authorization: `Bearer ${t.token}x` },
        { authorization: `Bearer ${t.token.slice(1)}` },
        { authorization: `Basic ${Buffer.from(`u:${t.token}`).toString("base64")}` },
        { authorization: "Bearer" },
        { authorization: `bearer  ${"a".repeat(10_000)}` },
        { authorization: t.token },
      ]);
      const [method, path, body] = pick<[string, string, Buffer | undefined]>([
        ["POST", "/api/v1/events", validBatch],
        ["POST", `/api/v1/events?token=${t.token}`, validBatch],
        ["POST", `/api/v1/runs/${t.runId}/notes`, Buffer.from('{"text":"hi"}')],
        ["POST", `/api/v1/runs/${t.activeRootId}/cancel`, undefined],
        ["POST", `/api/v1/runs/${t.activeRootId}/heartbeat`, undefined],
        ["PUT", `/api/v1/artifacts/${"a".repeat(64)}/value?typeName=json`, Buffer.from("1")],
        ["GET", "/api/v1/runs", undefined],
        ["GET", `/api/v1/runs/${t.runId}`, undefined],
        ["GET", `/api/v1/artifacts/${t.artifactId}/value`, undefined],
      ]);
      return {
        label: "token",
        method,
        path,
        body,
        headers: { ...headers, "content-type": "application/json" },
      };
    },
    // Bad ids and path tricks on every route with an id.
    () => {
      const [method, template] = pick(ROUTES);
      return {
        label: "bad id",
        method,
        path: template.replace("{id}", pick(BAD_IDS)),
        headers: json,
        body: method === "POST" || method === "PUT" ? Buffer.from('{"text":"x"}') : undefined,
      };
    },
    // Paths outside the API, traversal in the prefix itself.
    () => ({
      label: "bad path",
      method: pick(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]),
      path: pick([
        "/",
        "/api",
        "/api/v2/runs",
        "/api/v1/../../etc/passwd",
        "/api/v1/%2e%2e/%2e%2e/etc/passwd",
        "/api/v1/artifacts",
        "/api/v1/events/x",
        "/..%2f..%2fetc%2fpasswd",
      ]),
      headers: json,
    }),
    // Unsupported methods on existing routes.
    () => ({
      label: "method",
      method: pick(["DELETE", "PATCH", "PUT"]),
      path: pick([
        "/api/v1/events",
        `/api/v1/runs/${t.runId}`,
        "/api/v1/runs",
        `/api/v1/cache/${"a".repeat(64)}`,
      ]),
      headers: json,
      body: validBatch,
    }),
    // Query strings: unknown parameters, repeats, wrong types and ranges, forged cursors.
    () => ({
      label: "query",
      method: "GET",
      path: pick([
        "/api/v1/runs?limit=0",
        "/api/v1/runs?limit=-1",
        "/api/v1/runs?limit=1e3",
        "/api/v1/runs?limit=abc",
        "/api/v1/runs?limit=99999999999999999999",
        "/api/v1/runs?limit=1&limit=2",
        "/api/v1/runs?state=done",
        "/api/v1/runs?root=maybe",
        "/api/v1/runs?since=yesterday",
        "/api/v1/runs?until=-5",
        "/api/v1/runs?rootId=../x",
        `/api/v1/runs?q=${"x".repeat(300)}`,
        "/api/v1/runs?cursor=abc",
        `/api/v1/runs?cursor=${Buffer.from('[1,"../x"]').toString("base64url")}`,
        `/api/v1/runs?cursor=${Buffer.from("{}").toString("base64url")}`,
        "/api/v1/runs?unknown=1",
        "/api/v1/runs?name[a]=1",
        `/api/v1/runs/${t.runId}/logs?cursor=-1`,
        `/api/v1/runs/${t.runId}/logs?limit=100000`,
        `/api/v1/runs/${t.runId}?x=1`,
        `/api/v1/artifacts/${t.artifactId}/value?download=1`,
      ]),
      headers: auth,
    }),
    // Mutated events: wrong types, missing fields, bad values, inconsistent references.
    () => {
      const event = pick(t.validEvents);
      const bad = mutate(event, pick(mutationsFor(event, t)));
      const others = t.validEvents.filter((e) => e !== event);
      const events = random() < 0.5 ? [bad] : [...others.slice(0, 2), bad, ...others.slice(2)];
      return {
        label: "event",
        method: "POST",
        path: "/api/v1/events",
        headers: json,
        body: batch(events),
      };
    },
    // Batch shapes that are not a batch.
    () => ({
      label: "batch shape",
      method: "POST",
      path: "/api/v1/events",
      headers: json,
      body: Buffer.from(
        pick([
          "[]",
          "{}",
          '{"events":[]}',
          '{"events":{}}',
          '{"events":null}',
          '{"events":"x"}',
          JSON.stringify({ events: t.validEvents, extra: 1 }),
          JSON.stringify(t.validEvents),
          JSON.stringify({ events: [pick(WRONG_TYPES)] }),
          JSON.stringify({ events: Array(20_001).fill(0) }),
          `{"events":${"[".repeat(5000)}${"]".repeat(5000)}}`,
          `{"__proto__":{"polluted":true},"events":[]}`,
        ]),
      ),
    }),
    // Text that is not JSON.
    () => ({
      label: "bad json",
      method: "POST",
      path: pick(["/api/v1/events", `/api/v1/runs/${t.runId}/notes`]),
      headers: json,
      body: Buffer.from(
        pick([
          "",
          "{",
          '{"events":[',
          "{'events': []}",
          '{"events":[1,]}',
          "NaN",
          '"string"',
          "null",
          "true",
          "\u0000\u0001",
          validBatch.subarray(0, validBatch.length - 3).toString(),
          "\uFEFF{}",
        ]),
      ),
    }),
    // Wrong content types and encodings for JSON routes.
    () => ({
      label: "content type",
      method: "POST",
      path: pick(["/api/v1/events", `/api/v1/runs/${t.runId}/notes`]),
      headers: {
        ...auth,
        ...pick<Record<string, string>>([
          {},
          { "content-type": "text/plain" },
          { "content-type": "application/x-www-form-urlencoded" },
          { "content-type": "multipart/form-data; boundary=x" },
          { "content-type": "application/octet-stream" },
          { "content-type": "application/json; charset=latin1" },
          { "content-type": "application/json", "content-encoding": "gzip" },
          { "content-type": "application/json", "content-encoding": "br" },
          { "content-type": "application/json", "content-encoding": "compress" },
          { "content-type": "json" },
        ]),
      },
      body: validBatch,
    }),
    // Notes that are not notes, on an existing run.
    () => ({
      label: "note",
      method: "POST",
      path: `/api/v1/runs/${t.runId}/notes`,
      headers: json,
      body: Buffer.from(
        JSON.stringify(
          pick<unknown>([
            {},
            { text: "" },
            { text: 5 },
            { text: null },
            { text: "x".repeat(20_001) },
            { text: "ok", author: "" },
            { text: "ok", author: 5 },
            { text: "ok", extra: true },
            ["text"],
          ]),
        ),
      ),
    }),
    // Artifact uploads with the wrong content, type name or size.
    () => {
      const bytes = Buffer.from(JSON.stringify({ r: random() }));
      const [query, id] = pick<[string, string]>([
        ["?typeName=json", t.artifactId],
        ["?typeName=json", "a".repeat(64)],
        ["", "b".repeat(64)],
        ["?typeName=", "c".repeat(64)],
        ["?typeName=a%20b", "d".repeat(64)],
        ["?typeName=..%2F..%2Fx", "d".repeat(64)],
        ["?typeName=json&typeName=json", "d".repeat(64)],
        ["?typeName=json&x=1", "d".repeat(64)],
      ]);
      return {
        label: "upload",
        method: "PUT",
        path: `/api/v1/artifacts/${id}/value${query}`,
        headers: { ...auth, "content-type": "application/octet-stream" },
        body: bytes,
      };
    },
    // Bodies over the limits, with and without Content-Length.
    () => {
      const upload = random() < 0.5;
      const size = upload
        ? t.maxArtifactBytes + 1 + Math.floor(random() * t.maxArtifactBytes * 4)
        : t.maxBatchBytes + 1 + Math.floor(random() * t.maxBatchBytes * 4);
      const body = upload
        ? Buffer.alloc(size, 7)
        : Buffer.from(JSON.stringify({ events: [{ pad: "x".repeat(size) }] }));
      return {
        label: "huge",
        method: upload ? "PUT" : "POST",
        path: upload ? `/api/v1/artifacts/${"a".repeat(64)}/value?typeName=json` : "/api/v1/events",
        headers: upload ? { ...auth, "content-type": "application/octet-stream" } : json,
        body,
        chunked: random() < 0.5,
      };
    },
    // Artifact batches with bad bytes, ids, type names or shapes.
    () => {
      const bytes = Buffer.from(`{"n":${Math.floor(random() * 1e6)}}`);
      const item = { id: t.artifactId, typeName: "json", bytes: bytes.toString("base64") };
      const body = pick<unknown>([
        { artifacts: [item] },
        { artifacts: [{ ...item, id: "a".repeat(64) }] },
        { artifacts: [{ ...item, bytes: "not base64!" }] },
        { artifacts: [{ ...item, bytes: 5 }] },
        { artifacts: [{ ...item, typeName: "../x" }] },
        { artifacts: [{ ...item, id: "../x" }] },
        { artifacts: [{ ...item, extra: 1 }] },
        { artifacts: [] },
        { artifacts: Array(10_001).fill(item) },
        { artifacts: "x" },
        [item],
      ]);
      return {
        label: "artifact batch",
        method: "POST",
        path: "/api/v1/artifact-uploads",
        headers: json,
        body: Buffer.from(JSON.stringify(body)),
      };
    },
    // Cache lookups that are not lookups.
    () => ({
      label: "cache lookups",
      method: "POST",
      path: "/api/v1/cache/lookups",
      headers: json,
      body: Buffer.from(
        JSON.stringify(
          pick<unknown>([
            { keys: [] },
            { keys: ["x"] },
            { keys: ["../../etc/passwd"] },
            { keys: "a".repeat(64) },
            { keys: Array(1001).fill("a".repeat(64)) },
            { keys: ["a".repeat(64)], inlineBytes: -1 },
            { keys: ["a".repeat(64)], inlineBytes: 1e9 },
            { keys: ["a".repeat(64)], inlineBytes: "all" },
            { keys: ["a".repeat(64)], extra: true },
            {},
          ]),
        ),
      ),
    }),
    // DNS rebinding: valid requests (and live upgrades) naming a host that is not this server.
    () => {
      const host = pick([
        "evil.example",
        "evil.example:8765",
        "127.0.0.1.evil.example",
        "localhost.evil.example",
        "10.0.0.1",
        "[::2]:80",
      ]);
      const [method, path, body, extra] = pick<
        [string, string, Buffer | undefined, Record<string, string>]
      >([
        ["GET", "/api/v1/runs", undefined, {}],
        ["GET", "/api/v1/health", undefined, {}],
        ["POST", "/api/v1/events", validBatch, {}],
        ["POST", `/api/v1/runs/${t.activeRootId}/cancel`, undefined, {}],
        [
          "GET",
          `/api/v1/live/${t.activeRootId}?token=${t.token}`,
          undefined,
          {
            connection: "Upgrade",
            upgrade: "websocket",
            "sec-websocket-version": "13",
            "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
          },
        ],
      ]);
      return { label: "host", method, path, body, headers: { ...json, ...extra, host } };
    },
    // Free-form JSON nested past the depth limit, in every place an event carries some.
    () => {
      const depth = pick([65, 100, 4100, 20_000]);
      const deep = `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
      const event = pick(t.validEvents);
      const copy = JSON.parse(JSON.stringify(event)) as Record<string, Record<string, unknown>>;
      const placeholder = '"@DEEP@"';
      if (event.type === "artifact") {
        copy.artifact!.summary = { preview: "@DEEP@" };
      } else if (event.type === "run-created") {
        if (random() < 0.5) copy.run!.resources = "@DEEP@";
        else copy.run!.environment = { nodeVersion: "v20", platform: "linux", extra: "@DEEP@" };
      } else if (event.type === "run-state") {
        copy.error = {
          name: "E",
          message: "m",
          stepName: "s",
          path: [],
          runId: t.runId,
          cause: "@DEEP@",
        } as unknown as Record<string, unknown>;
      } else {
        copy.extra = "@DEEP@" as unknown as Record<string, unknown>;
      }
      return {
        label: "nested",
        method: "POST",
        path: "/api/v1/events",
        headers: json,
        body: Buffer.from(JSON.stringify({ events: [copy] }).replace(placeholder, deep)),
      };
    },
    // Oversized headers and URLs.
    () => ({
      label: "huge url",
      method: "GET",
      path: `/api/v1/runs?q=${"y".repeat(20_000 + Math.floor(random() * 100_000))}`,
      headers: auth,
    }),
  ];

  return Array.from({ length: count }, () => pick(generators)());
}
