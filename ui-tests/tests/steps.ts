/**
 * Opening a step run's panel the way the run graph does: through the app's `tsematic:open-step`
 * command, so the tests exercise the same path as a click.
 *
 * @example
 * ```ts
 * await openStep(page, runId);
 * await expect(page.locator(".jp-TsematicStep-title")).toContainText("square");
 * ```
 */
import type { Page } from "@playwright/test";

/** Executes `tsematic:open-step` for `runId` (with more arguments, if any) and waits for it. */
export async function openStep(
  page: Page,
  runId: string,
  more: Record<string, unknown> = {},
): Promise<void> {
  await page.evaluate(
    async ({ id, more }) => {
      const app = (
        window as unknown as {
          jupyterapp: { commands: { execute: (c: string, a: unknown) => Promise<unknown> } };
        }
      ).jupyterapp;
      await app.commands.execute("tsematic:open-step", { ...more, runId: id });
    },
    { id: runId, more },
  );
}
