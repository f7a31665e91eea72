import assert from "node:assert/strict";
import { test } from "node:test";

import {
  acrossRunsTooltip,
  formatTime,
  formatValue,
  timelineTooltip,
  tooltipHtml,
} from "./tooltips";

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

test("a tooltip is a table of its rows, every text escaped, a metric named title a row too", () => {
  const escape = (text: string): string => text.replace(/</g, "&lt;");
  assert.equal(
    tooltipHtml({ title: "0.5", run: "<b>" }, escape),
    '<table><tr><td class="key">title</td><td class="value">0.5</td></tr>' +
      '<tr><td class="key">run</td><td class="value">&lt;b></td></tr></table>',
  );
});
