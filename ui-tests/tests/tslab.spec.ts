import { expect, test } from "./fixtures";

test("a notebook on the tslab kernel runs `1 + 1` and shows 2", async ({ page, request }) => {
  const specs = await (await request.get("/api/kernelspecs")).json();
  test.skip(!specs.kernelspecs?.tslab, "no tslab kernelspec on JUPYTER_PATH");

  await page.notebook.createNew("one-plus-one.ipynb", { kernel: "tslab" });
  await page.notebook.setCell(0, "code", "1 + 1");
  await page.notebook.runCell(0);
  const output = await page.notebook.getCellTextOutput(0);
  expect(output?.map((text) => text.trim())).toEqual(["2"]);
});
