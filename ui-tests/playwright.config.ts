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
  expect: {
    timeout: 20_000,
    // Reference screenshots are compared, not just saved: a few pixels of antialiasing may differ
    // between runs; a changed box, color or layout does not pass. Regenerate them on purpose with
    // UPDATE_SCREENSHOTS=1 npm run test:ui (scripts/ui-tests.sh) and look at the diff.
    toHaveScreenshot: { maxDiffPixelRatio: 0.01, animations: "disabled", caret: "hide" },
  },
  // One folder of reference screenshots, named by the tests (not per platform: CI is this machine's kind).
  snapshotPathTemplate: "{testDir}/../screenshots/{arg}{ext}",
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
