/**
 * Galata's test, plus a guard: the browser may talk to 127.0.0.1 only. Any other request is
 * aborted and fails the test that made it.
 */
import { expect, test as galataTest } from "@jupyterlab/galata";

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
