/**
 * Markdown notes as artifacts: a step returns `markdown(text)` (a report, a model card) and the
 * UI renders it. The bytes are the text in UTF-8.
 */
import type { ArtifactSummary, ArtifactType } from "./artifact";
import { brand, hasBrand } from "./brand";
import { describeValueType } from "./unserializable";

const MARKDOWN_BRAND = "tsematic.markdown";
const PREVIEW_CHARS = 200;

/** Markdown text made with {@link markdown}. */
export interface Markdown {
  readonly text: string;
}

/**
 * Wraps Markdown text so that a step's output is stored and shown as rendered Markdown rather
 * than as a string.
 *
 * @example
 * ```ts
 * import { func, markdown } from "tsematic";
 * const report = func(function report(accuracy: number) {
 *   return markdown(`# Evaluation\n\nAccuracy: **${(accuracy * 100).toFixed(1)}%**`);
 * });
 * ```
 */
export function markdown(text: string): Markdown {
  if (typeof text !== "string") {
    throw new TypeError(`markdown() needs a string, got ${describeValueType(text)}`);
  }
  return brand({ text }, MARKDOWN_BRAND);
}

/**
 * Whether `value` was made by {@link markdown} (by this or another copy of the library).
 *
 * @example
 * ```ts
 * isMarkdown(markdown("# Hi")); // true
 * isMarkdown("# Hi");           // false
 * ```
 */
export function isMarkdown(value: unknown): value is Markdown {
  return hasBrand(value, MARKDOWN_BRAND);
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const ATX_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(=+|-+)[ \t]*$/;

/** The first heading outside code blocks, ATX (`# Title`) or setext (`Title` over `===`). */
function firstHeading(text: string): { heading: string; level: number } | undefined {
  const lines = text.split(/\r?\n/);
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const opening = FENCE.exec(line)?.[1];
    if (opening) {
      if (!fence) fence = opening;
      else if (opening[0] === fence[0] && opening.length >= fence.length) fence = undefined;
      continue;
    }
    if (fence) continue;
    const atx = ATX_HEADING.exec(line);
    if (atx) return { heading: (atx[2] ?? "").trim(), level: atx[1]!.length };
    const underline = SETEXT_UNDERLINE.exec(lines[i + 1] ?? "");
    if (underline && line.trim() !== "" && !/^ {4}/.test(line)) {
      return { heading: line.trim(), level: underline[1]![0] === "=" ? 1 : 2 };
    }
  }
  return undefined;
}

/**
 * The summary of a Markdown note: its first `heading` (and `headingLevel`), `length` in
 * characters, `lines`, and a `preview` of the first 200 characters.
 *
 * @example
 * ```ts
 * summarizeMarkdown(markdown("# Results\n\nAll good."));
 * // { heading: "Results", headingLevel: 1, length: 20, lines: 3,
 * //   preview: "# Results\n\nAll good.", truncated: false }
 * ```
 */
export function summarizeMarkdown(value: Markdown): ArtifactSummary {
  const { text } = value;
  const heading = firstHeading(text);
  return {
    heading: heading?.heading ?? null,
    headingLevel: heading?.level ?? null,
    length: text.length,
    lines: text === "" ? 0 : text.split(/\r?\n/).length,
    preview: text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text,
    truncated: text.length > PREVIEW_CHARS,
  };
}

/** The built-in type of {@link markdown} values. */
export const markdownType: ArtifactType<Markdown> = {
  name: "markdown",
  mediaType: "text/markdown",
  matches: isMarkdown,
  serialize: (value) => new TextEncoder().encode(value.text),
  // ignoreBOM keeps a leading U+FEFF, which would otherwise vanish on the way back.
  deserialize: (bytes) => markdown(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)),
  summarize: (value) => summarizeMarkdown(value),
};
