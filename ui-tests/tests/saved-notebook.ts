/**
 * Notebooks saved with a run view output (kernel-lib's `application/vnd.tsematic.run.v1+json`
 * bundle), opened without a kernel: how a user sees a notebook someone else ran.
 */
import type { IJupyterLabPageFixture } from "@jupyterlab/galata";
import type { APIRequestContext } from "@playwright/test";

import { expect } from "./fixtures";

/** Saves a notebook whose one output is the run view `bundle`, and opens it without a kernel. */
export async function openSnapshot(
  page: IJupyterLabPageFixture,
  request: APIRequestContext,
  path: string,
  bundle: Record<string, unknown>,
): Promise<void> {
  const content = {
    cells: [
      {
        cell_type: "code",
        execution_count: 1,
        metadata: {},
        source: "await savedPipeline()",
        outputs: [
          {
            output_type: "display_data",
            metadata: {},
            data: {
              "application/vnd.tsematic.run.v1+json": bundle,
              "text/plain": "savedPipeline",
            },
          },
        ],
      },
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5,
  };
  const saved = await request.put(`/api/contents/${path}`, {
    data: { type: "notebook", format: "json", content },
  });
  expect(saved.ok()).toBe(true);
  await page.notebook.open(path.split("/").pop() as string);
  // No kernel needed to look at saved outputs (the notebook names none: JupyterLab asks).
  await page.locator(".jp-Dialog").getByRole("button", { name: "No Kernel" }).click();
  await expect(page.locator(".jp-Dialog")).toHaveCount(0);
}
