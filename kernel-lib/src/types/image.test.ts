import assert from "node:assert/strict";
import { test } from "node:test";
import { BUILTIN_TYPES } from "./builtin";
import { image, imageTypes, isImage } from "./image";
import { TypeRegistry } from "./registry";

const registry = new TypeRegistry(BUILTIN_TYPES);

/** The start of a PNG file: signature and IHDR chunk (CRC not checked by the reader). */
function pngHeader(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(33);
  Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").copy(bytes, 0);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.set([8, 6, 0, 0, 0], 24);
  return new Uint8Array(bytes);
}

/** A JPEG start: SOI, an APP0 segment, then a baseline frame header (SOF0) with the size. */
function jpegHeader(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, ...Buffer.from("JFIF\0"), 1, 1, 0, 0, 1, 0, 1, 0, 0];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x11,
    8,
    height >> 8,
    height & 255,
    width >> 8,
    width & 255,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
  ];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

test("image() returns a branded Image with its bytes and media type", () => {
  const png = pngHeader(1, 1);
  const picture = image(png, "image/png");
  assert.ok(isImage(picture));
  assert.equal(picture.mimeType, "image/png");
  assert.deepEqual(picture.bytes, png);
  assert.equal(isImage({ bytes: png, mimeType: "image/png" }), false);
});

test("each format is its own artifact type with its own media type", () => {
  assert.deepEqual(
    imageTypes.map((t) => [t.name, t.mediaType]),
    [
      ["image.png", "image/png"],
      ["image.jpeg", "image/jpeg"],
      ["image.gif", "image/gif"],
      ["image.webp", "image/webp"],
      ["image.svg", "image/svg+xml"],
    ],
  );
  const artifact = registry.toArtifact(image(jpegHeader(2, 2), "image/jpeg"));
  assert.equal(artifact.typeName, "image.jpeg");
  assert.equal(artifact.mediaType, "image/jpeg");
  assert.deepEqual(artifact.bytes, jpegHeader(2, 2));
});

test("an image round-trips through the registry", () => {
  const artifact = registry.toArtifact(image(pngHeader(3, 4), "image/png"));
  const back = registry.fromBytes(artifact.typeName, artifact.bytes);
  assert.ok(isImage(back));
  assert.equal(back.mimeType, "image/png");
  assert.deepEqual(back.bytes, pngHeader(3, 4));
});

test("bytes that are not the declared PNG or JPEG are rejected, saying what they look like", () => {
  assert.throws(
    () => image(jpegHeader(1, 1), "image/png"),
    new TypeError(
      "image(): the bytes are not image/png (they look like image/jpeg); pass the right mimeType",
    ),
  );
  assert.throws(
    () => image(new Uint8Array([1, 2, 3]), "image/jpeg"),
    new TypeError(
      "image(): the bytes are not image/jpeg (they start with 01 02 03); pass the right mimeType",
    ),
  );
  assert.throws(
    () => image(pngHeader(1, 1), "image/svg+xml"),
    /not image\/svg\+xml \(they look like image\/png\)/,
  );
});

test("unsupported media types and non-byte values are rejected", () => {
  assert.throws(
    () => image(pngHeader(1, 1), "image/bmp" as never),
    /unsupported media type "image\/bmp"; use one of image\/png, /,
  );
  assert.throws(() => image("<png/>", "image/png"), /text is only accepted for image\/svg\+xml/);
  assert.throws(
    () => image([1, 2] as never, "image/png"),
    /needs the image's bytes as a Uint8Array, got Array/,
  );
});

test("the summary reads width and height from PNG and JPEG headers", () => {
  assert.deepEqual(registry.toArtifact(image(pngHeader(640, 480), "image/png")).summary, {
    mimeType: "image/png",
    size: 33,
    width: 640,
    height: 480,
  });
  const jpeg = jpegHeader(1920, 1080);
  assert.deepEqual(registry.toArtifact(image(jpeg, "image/jpeg")).summary, {
    mimeType: "image/jpeg",
    size: jpeg.byteLength,
    width: 1920,
    height: 1080,
  });
});

test("the summary reads GIF, WebP and SVG sizes too", () => {
  const gif = new Uint8Array([...Buffer.from("GIF89a"), 10, 0, 20, 0, 0, 0, 0]);
  assert.equal(registry.toArtifact(image(gif, "image/gif")).summary.width, 10);
  const webp = Buffer.alloc(30);
  webp.write("RIFF", 0);
  webp.write("WEBPVP8X", 8);
  webp.writeUIntLE(99, 24, 3);
  webp.writeUIntLE(49, 27, 3);
  const summary = registry.toArtifact(image(new Uint8Array(webp), "image/webp")).summary;
  assert.deepEqual([summary.width, summary.height], [100, 50]);
  const svg = registry.toArtifact(
    image('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 12"/>', "image/svg+xml"),
  );
  assert.deepEqual([svg.summary.width, svg.summary.height], [24, 12]);
  assert.equal(svg.typeName, "image.svg");
});

test("an image whose header gives no size has null width and height", () => {
  const summary = registry.toArtifact(image("<svg/>", "image/svg+xml")).summary;
  assert.deepEqual([summary.width, summary.height], [null, null]);
});
