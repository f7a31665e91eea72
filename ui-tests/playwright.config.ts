import { defineConfig } from "@playwright/test";

/**
 * Browser tests of the Tsematic extension in the real JupyterLab host, in Debian's Chromium
 * (Playwright cannot download browsers here). Run through scripts/ui-tests.sh, which builds and
 * installs what is needed first.
 */
export default defineConfig({
  testDir: "tests",
  outputDir: "test-output/results",
  globalSetup: "./global-setup.ts",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [["list"], ["json", { outputFile: "test-output/report.json" }]],
  use: {
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    video: "off",
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
