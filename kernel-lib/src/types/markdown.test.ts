import assert from "node:assert/strict";
import { test } from "node:test";
import { isMarkdown, markdown, markdownType } from "./markdown";

test("markdown() returns a branded value holding the text", () => {
  const note = markdown("# Hi");
  assert.equal(note.text, "# Hi");
  assert.ok(isMarkdown(note));
  assert.equal(isMarkdown({ text: "# Hi" }), false);
  assert.throws(
    () => markdown(42 as never),
    new TypeError("markdown() needs a string, got number"),
  );
});

test("the bytes are the UTF-8 text and the media type is text/markdown", () => {
  assert.deepEqual(markdownType.serialize(markdown("é")), new Uint8Array([0xc3, 0xa9]));
  assert.equal(markdownType.mediaType, "text/markdown");
});

test("a note round-trips, a leading byte order mark included", () => {
  const back = markdownType.deserialize(markdownType.serialize(markdown("\uFEFF# T\n\nbody")));
  assert.ok(isMarkdown(back));
  assert.equal(back.text, "\uFEFF# T\n\nbody");
});

test("the summary gives the first heading, length, lines and a preview", () => {
  assert.deepEqual(markdownType.summarize(markdown("# Results\n\nAll good."), new Uint8Array()), {
    heading: "Results",
    headingLevel: 1,
    length: 20,
    lines: 3,
    preview: "# Results\n\nAll good.",
    truncated: false,
  });
});

test("headings inside code fences are skipped, and setext headings count", () => {
  const text = "```sh\n# not a heading\n```\nModel card\n----------\n## Later";
  const summary = markdownType.summarize(markdown(text), new Uint8Array());
  assert.equal(summary.heading, "Model card");
  assert.equal(summary.headingLevel, 2);
  assert.equal(
    markdownType.summarize(markdown("### Closed ###"), new Uint8Array()).heading,
    "Closed",
  );
  assert.equal(markdownType.summarize(markdown("no heading"), new Uint8Array()).heading, null);
});

test("the preview of a long note is cut at 200 characters", () => {
  const summary = markdownType.summarize(markdown("x".repeat(500)), new Uint8Array());
  assert.equal(summary.preview, `${"x".repeat(200)}…`);
  assert.equal(summary.truncated, true);
  assert.equal(summary.length, 500);
});
