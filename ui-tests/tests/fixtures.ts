/**
 * Galata's test, plus a guard: the browser may talk to 127.0.0.1 only. Any other request is
 * aborted and fails the test that made it.
 */
import { expect, test as galataTest } from "@jupyterlab/galata";
import type { APIRequestContext } from "@playwright/test";

export const test = galataTest.extend<{ loopbackOnly: void }>({
  loopbackOnly: [
    async ({ context }, use) => {
      const outside: string[] = [];
      await context.route(
        (url) => !["127.0.0.1", "localhost"].includes(url.hostname) && url.protocol !== "data:",
        async (route) => {
          outside.push(route.request().url());
          await route.abort("blockedbyclient");
        },
      );
      await use();
      expect(outside, "requests that left 127.0.0.1").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * Fails (rather than skips) when the host has no tslab kernelspec: scripts/ui-tests.sh always
 * installs it, so its absence is a broken set-up that a skip would hide.
 */
export async function expectTslabKernelspec(request: APIRequestContext): Promise<void> {
  const specs = (await (await request.get("/api/kernelspecs")).json()) as {
    kernelspecs?: Record<string, unknown>;
  };
  expect(
    specs.kernelspecs?.tslab,
    "no tslab kernelspec on JUPYTER_PATH: run the browser tests with `npm run test:ui` (scripts/ui-tests.sh installs it)",
  ).toBeTruthy();
}
