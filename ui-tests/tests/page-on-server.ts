import { galata, type IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { Browser, Page } from "@playwright/test";

/** What a new JupyterLab page is made with (the test's fixtures). */
export interface IPageFixtures {
  browser: Browser;
  waitForApplication: galata.INewPageOption["waitForApplication"];
  /** The test's folder (galata's fixture): the page opens /lab/tree/<tmpPath>. */
  tmpPath: string;
}

/**
 * A JupyterLab page in a browser context of its own whose Tsematic settings are `settings`: a
 * lineage server other than the one the test host is configured with, another author. Close it
 * with {@link closePageOnServer}.
 *
 * @example
 * ```ts
 * const page = await pageOnServer({ browser, waitForApplication, tmpPath }, {
 *   serverUrl: server.url,
 *   token: server.token,
 * });
 * try {
 *   // ...
 * } finally {
 *   await closePageOnServer(page);
 * }
 * ```
 */
export async function pageOnServer(
  fixtures: IPageFixtures,
  settings: { serverUrl: string; token: string } & Record<string, unknown>,
): Promise<IJupyterLabPageFixture> {
  const { page } = await galata.newPage({
    browser: fixtures.browser,
    waitForApplication: fixtures.waitForApplication,
    baseURL: process.env.TARGET_URL!,
    mockSettings: { ...galata.DEFAULT_SETTINGS, "tsematic-jupyterlab:plugin": settings },
    tmpPath: fixtures.tmpPath,
  });
  return page;
}

/** Closes a page made by {@link pageOnServer} and its context (galata's routes first: none answers late). */
export async function closePageOnServer(page: Page): Promise<void> {
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.context().close();
}
