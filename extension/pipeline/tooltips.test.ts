import assert from "node:assert/strict";
import { test } from "node:test";

import { acrossRunsTooltip, formatTime, formatValue, timelineTooltip } from "./tooltips";

test("a metric's value is written as d3's .4~g: four significant digits, no trailing zeros", () => {
  assert.equal(formatValue(0.25), "0.25");
  assert.equal(formatValue(0.123456), "0.1235");
  assert.equal(formatValue(1), "1");
  assert.equal(formatValue(1200), "1200");
  assert.equal(formatValue(123456), "1.235e+5");
  assert.equal(formatValue(1e-7), "1e-7");
  assert.equal(formatValue(-0.5), "\u22120.5");
});

test("a tooltip describes the point under the pointer with the metric's name", () => {
  const x = new Date(2026, 0, 2, 3, 4, 5);
  assert.deepEqual(
    acrossRunsTooltip("val_loss")({
      rootId: "ab12",
      series: "lr=0.1",
      value: 0.5,
      state: "failed",
      x,
    }),
    {
      run: "ab12",
      labels: "lr=0.1",
      val_loss: "0.5",
      state: "failed",
      started: "2026-01-02 03:04:05",
    },
  );
  assert.deepEqual(
    timelineTooltip({ rootId: "ab12", state: "resolved", seconds: 1.2346, x: x.getTime() }),
    { run: "ab12", state: "resolved", "duration (s)": "1.235", started: "2026-01-02 03:04:05" },
  );
  assert.equal(formatTime("not a time"), "not a time");
});
