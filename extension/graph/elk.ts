/**
 * One elkjs instance for the page, in a Web Worker (the worker script is one of the extension's own
 * assets), so laying out a large graph never blocks the main thread.
 */
import type { ELK } from "elkjs/lib/elk-api";

/**
 * One ELK for the page: in a Web Worker when the bundler and the page allow it (the main thread
 * stays free while a large graph is laid out), else elkjs's bundled, same-thread build.
 */
export async function sharedElk(): Promise<ELK> {
  if (Private.state.elk === null) {
    Private.state.elk = (async () => {
      const { default: ElkApi } = await import("elkjs/lib/elk-api");
      try {
        const worker = new Worker(new URL("elkjs/lib/elk-worker.min.js", import.meta.url));
        return new ElkApi({ workerFactory: () => worker });
      } catch {
        const { default: ElkBundled } = await import("elkjs/lib/elk.bundled.js");
        return new ElkBundled();
      }
    })();
  }
  return Private.state.elk;
}

namespace Private {
  export const state: { elk: Promise<ELK> | null } = { elk: null };
}
