import type { Page } from "@playwright/test";

/** Where the extension sends its requests: a lineage server's URL and token. */
export interface IServer {
  url: string;
  token: string;
}

/**
 * The lineage server the page is configured with (page config, as `npm start` and the test host
 * set it), read as the extension reads it.
 *
 * @example
 * ```ts
 * const server = await configuredServer(page);
 * await request.get(`${server.url}/api/v1/runs`, { headers: { authorization: `Bearer ${server.token}` } });
 * ```
 */
export async function configuredServer(page: Page): Promise<IServer> {
  return page.evaluate(() => {
    const config = JSON.parse(document.getElementById("jupyter-config-data")!.textContent!);
    return { url: config.tsematicServerUrl as string, token: config.tsematicToken as string };
  });
}
