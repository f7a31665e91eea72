/**
 * The artifact helpers notebooks use to say how a step's output should be shown: `plot()` for
 * Vega-Lite charts, `image()` for pictures, `markdown()` for reports. Tables, raw bytes, errors
 * and plain data need no helper: the registry recognises them by their runtime type.
 *
 * @example
 * ```ts
 * import { func, markdown, plot } from "tsematic";
 * const chart = func(function chart(scores: number[]) {
 *   return plot({
 *     mark: "bar",
 *     data: { values: scores.map((score, run) => ({ run, score })) },
 *     encoding: { x: { field: "run", type: "ordinal" }, y: { field: "score", type: "quantitative" } },
 *   });
 * });
 * const report = func(function report(scores: number[]) {
 *   return markdown(`# ${scores.length} runs\n\nBest: ${Math.max(...scores)}`);
 * });
 * ```
 */
export { plot, isPlot, type Plot, type VegaLiteSpec } from "./plot";
export { image, isImage, type Image, type ImageMimeType } from "./image";
export { markdown, isMarkdown, type Markdown } from "./markdown";
