/**
 * One elkjs instance for the page, in a Web Worker (the worker script is one of the extension's own
 * assets), so laying out a large graph never blocks the main thread.
 *
 * The worker script is large (about 1.6 MB): fetching, compiling and starting it takes most of a
 * second on a loaded machine. It starts with the first graph (which is drawn with a quick layout
 * meanwhile), not with the page: most pages never show a graph. {@link elkReady} says whether it
 * has started.
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
      let elk: ELK;
      try {
        const worker = new Worker(new URL("elkjs/lib/elk-worker.min.js", import.meta.url));
        elk = new ElkApi({ workerFactory: () => worker });
      } catch {
        const { default: ElkBundled } = await import("elkjs/lib/elk.bundled.js");
        elk = new ElkBundled();
      }
      // The worker answers once its script has run: from then on a layout starts at once.
      void elk.knownLayoutAlgorithms().then(
        () => (Private.state.ready = true),
        () => undefined,
      );
      return elk;
    })();
  }
  return Private.state.elk;
}

/** Whether elkjs has started and answers at once (its script fetched, compiled and run). */
export function elkReady(): boolean {
  return Private.state.ready;
}

namespace Private {
  export const state: { elk: Promise<ELK> | null; ready: boolean } = { elk: null, ready: false };
}
