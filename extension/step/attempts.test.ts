import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { wireFixture } from "../testing/wire-fixture";
import { attemptRows, type IAttempt } from "./attempts";

const error = (message: string) =>
  wireFixture("ErrorInfo", {
    name: "Error",
    message,
    stack: `Error: ${message}\n    at flaky (cell 2:3)`,
    stepName: "flaky",
    path: ["pipeline", "flaky"],
    runId: "0f1e2d3c4b5a6978",
  });

describe("attemptRows", () => {
  it("lists each attempt with how it ended, its duration and a failed attempt's error", () => {
    const attempts: IAttempt[] = (
      [
        { attempt: 2, state: "retrying", startedAt: 1120, endedAt: 3620, error: error("second") },
        { attempt: 1, state: "retrying", startedAt: 1010, endedAt: 1020, error: error("first") },
        { attempt: 3, state: "resolved", startedAt: 4000, endedAt: 4050, error: null },
      ] satisfies IAttempt[]
    ).map((attempt) => wireFixture("Attempt", attempt));
    assert.deepEqual(attemptRows(attempts, 0), [
      {
        attempt: 1,
        outcome: "failed, retried",
        duration: "10 ms",
        error: { text: "Error: first", stack: "Error: first\n    at flaky (cell 2:3)" },
      },
      {
        attempt: 2,
        outcome: "failed, retried",
        duration: "2.50 s",
        error: { text: "Error: second", stack: "Error: second\n    at flaky (cell 2:3)" },
      },
      { attempt: 3, outcome: "resolved", duration: "50 ms", error: null },
    ]);
  });

  it("shows the attempt still running with its time so far", () => {
    const rows = attemptRows(
      [{ attempt: 2, state: null, startedAt: 1000, endedAt: null, error: null }],
      1300,
    );
    assert.deepEqual(rows, [
      { attempt: 2, outcome: "running", duration: "300 ms so far", error: null },
    ]);
  });

  it("lists nothing for a step that ran once", () => {
    assert.deepEqual(attemptRows([], 0), []);
  });
});
