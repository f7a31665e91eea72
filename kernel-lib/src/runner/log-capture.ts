/**
 * Console output written inside a step's body becomes that run's log. `console` is patched once per
 * process (the patch is marked process-wide, so a second copy of the library does not patch again);
 * output still reaches the terminal or notebook as usual.
 */
import { format } from "node:util";
import { runStorage } from "../context";
import { processGlobal } from "../process-global";

const STREAMS = {
  log: "stdout",
  info: "stdout",
  debug: "stdout",
  warn: "stderr",
  error: "stderr",
} as const;

/** Installs the console capture if no copy of the library has yet. */
export function installLogCapture(): void {
  processGlobal("tsematic.consoleCapture.v1", () => {
    patchConsole();
    return true;
  });
}

function patchConsole(): void {
  const storage = runStorage();
  for (const method of Object.keys(STREAMS) as Array<keyof typeof STREAMS>) {
    const original = console[method].bind(console);
    const stream = STREAMS[method];
    console[method] = (...args: unknown[]) => {
      const scope = storage.getStore();
      if (scope) scope.node.resolution.log(scope.node, stream, format(...args));
      original(...args);
    };
  }
}
