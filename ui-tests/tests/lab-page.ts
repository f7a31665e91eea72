import type { Page } from "@playwright/test";

/** The part of JupyterLab's app (`window.jupyterapp`) these helpers use. */
interface ILabApp {
  commands: { hasCommand: (id: string) => boolean };
  serviceManager: { settings: { save: (id: string, raw: string) => Promise<void> } };
}

/**
 * Saves Tsematic's user settings (Settings › Tsematic) through JupyterLab's settings service, as
 * the Settings Editor does. They take effect for the extension after a reload.
 *
 * @example
 * ```ts
 * await saveTsematicSettings(page, { serverUrl: "http://127.0.0.1:9" });
 * ```
 */
export async function saveTsematicSettings(
  page: Page,
  settings: Record<string, unknown>,
): Promise<void> {
  await page.evaluate(async (text) => {
    const app = (window as unknown as { jupyterapp: ILabApp }).jupyterapp;
    await app.serviceManager.settings.save("tsematic-jupyterlab:plugin", text);
  }, JSON.stringify(settings));
}

/**
 * Waits until the page's JupyterLab has `command`: the plugin that adds it has started.
 *
 * @example
 * ```ts
 * await waitForCommand(page, "tsematic:open-step");
 * ```
 */
export async function waitForCommand(page: Page, command: string): Promise<void> {
  await page.waitForFunction(
    (id) => (window as unknown as { jupyterapp?: ILabApp }).jupyterapp?.commands.hasCommand(id),
    command,
  );
}

/**
 * Reloads the page without Galata's own waits (they wait for the Launcher, which a restored
 * layout does not have), then waits until the page's JupyterLab has `command` again.
 *
 * @example
 * ```ts
 * await reloadUntilCommand(page, "tsematic:promote");
 * ```
 */
export async function reloadUntilCommand(page: Page, command: string): Promise<void> {
  await Promise.all([
    page.waitForEvent("load"),
    page.evaluate(() => setTimeout(() => window.location.reload(), 0)),
  ]);
  await waitForCommand(page, command);
}
