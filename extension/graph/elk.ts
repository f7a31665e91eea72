/**
 * One elkjs instance for the page, in a Web Worker (the worker script is one of the extension's own
 * assets), so laying out a large graph never blocks the main thread.
 *
 * The worker script is large (about 1.6 MB): fetching, compiling and starting it takes most of a
 * second on a loaded machine. {@link preloadElk} starts it when the page is idle, so that the
 * first graph does not wait for it; {@link elkReady} says whether it has started.
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

/**
 * Starts elkjs when the page is next idle (or within `timeoutMs`), once per page: the worker
 * compiles its script on its own thread, the main thread only creates it.
 */
export function preloadElk(timeoutMs = 3000): void {
  if (Private.state.elk !== null || Private.state.preloading) return;
  Private.state.preloading = true;
  const start = (): void => void sharedElk().catch(() => undefined);
  if (typeof requestIdleCallback === "function") requestIdleCallback(start, { timeout: timeoutMs });
  else setTimeout(start, 0);
}

namespace Private {
  export const state: { elk: Promise<ELK> | null; ready: boolean; preloading: boolean } = {
    elk: null,
    ready: false,
    preloading: false,
  };
}
