import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const FILE = join(__dirname, "..", "test-output", "metrics.json");

/** Records a measured figure for scripts/ui-tests.sh's summary. */
export function recordMetric(name: string, value: number): void {
  const metrics = existsSync(FILE) ? JSON.parse(readFileSync(FILE, "utf8")) : {};
  metrics[name] = value;
  writeFileSync(FILE, JSON.stringify(metrics, null, 2) + "\n");
}
