/**
 * Images as artifacts: a step returns `image(bytes, mimeType)` and the UI shows the picture. The
 * bytes are the image file itself, stored under one artifact type per format (`image.png`, ...)
 * so that the server can serve them with their own media type.
 *
 * Declared raster formats are checked against the file's signature: a JPEG labelled as PNG is an
 * error when the image is made, not a broken picture later.
 */
import type { ArtifactSummary, ArtifactType } from "./artifact";
import { brand, hasBrand } from "./brand";
import { describeValueType } from "./unserializable";

const IMAGE_BRAND = "tsematic.image";

/** The image formats browsers display, and their artifact type names. */
const FORMATS = {
  "image/png": "image.png",
  "image/jpeg": "image.jpeg",
  "image/gif": "image.gif",
  "image/webp": "image.webp",
  "image/svg+xml": "image.svg",
} as const;

/** Media types {@link image} accepts. */
export type ImageMimeType = keyof typeof FORMATS;

/** An image made with {@link image}. */
export interface Image {
  /** The image file's bytes. */
  readonly bytes: Uint8Array;
  readonly mimeType: ImageMimeType;
}

const ascii = (bytes: Uint8Array, start: number, end: number): string =>
  String.fromCharCode(...bytes.subarray(start, end));

/** The format the bytes' signature says, or undefined. SVG is text: any `<svg` near the start. */
function sniff(bytes: Uint8Array): ImageMimeType | undefined {
  const b = bytes;
  if (b[0] === 0x89 && ascii(b, 1, 8) === "PNG\r\n\x1a\n") return "image/png";
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return "image/gif";
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return "image/webp";
  const head = new TextDecoder().decode(b.subarray(0, 4096));
  if (/<svg[\s>]/i.test(head)) return "image/svg+xml";
  return undefined;
}

function hexHead(bytes: Uint8Array): string {
  return Buffer.from(bytes.subarray(0, 8))
    .toString("hex")
    .replace(/(..)(?!$)/g, "$1 ");
}

/**
 * Wraps image bytes so that a step's output is stored and shown as an image. `bytes` may be a
 * string for SVG. PNG, JPEG, GIF and WebP bytes must start with their format's signature.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { func, image } from "tsematic";
 * const confusion = func(function confusion() {
 *   return image(readFileSync("confusion.png"), "image/png");
 * });
 * const badge = image('<svg xmlns="http://www.w3.org/2000/svg" width="80" height="20"/>', "image/svg+xml");
 * ```
 */
export function image(bytes: Uint8Array | string, mimeType: ImageMimeType): Image {
  if (!(mimeType in FORMATS)) {
    throw new TypeError(
      `image(): unsupported media type ${JSON.stringify(mimeType)}; use one of ${Object.keys(FORMATS).join(", ")}`,
    );
  }
  let data: Uint8Array;
  if (typeof bytes === "string") {
    if (mimeType !== "image/svg+xml") {
      throw new TypeError(
        `image(): text is only accepted for image/svg+xml; pass ${mimeType} as bytes`,
      );
    }
    data = new TextEncoder().encode(bytes);
  } else if (Object.prototype.toString.call(bytes) === "[object Uint8Array]") {
    // A plain Uint8Array view (not a Buffer, whose slice() does not copy) of the caller's bytes.
    data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } else {
    throw new TypeError(
      `image() needs the image's bytes as a Uint8Array, got ${describeValueType(bytes)}`,
    );
  }
  const actual = sniff(data);
  // SVG is only rejected when the bytes are plainly another format: its text has no signature.
  const svgOk = mimeType === "image/svg+xml" && (actual === undefined || actual === mimeType);
  if (actual !== mimeType && !svgOk) {
    const seen = actual
      ? `they look like ${actual}`
      : `they start with ${hexHead(data) || "nothing"}`;
    throw new TypeError(
      `image(): the bytes are not ${mimeType} (${seen}); pass the right mimeType`,
    );
  }
  return brand({ bytes: data, mimeType }, IMAGE_BRAND);
}

/**
 * Whether `value` was made by {@link image} (by this or another copy of the library).
 *
 * @example
 * ```ts
 * isImage(image(pngBytes, "image/png")); // true
 * ```
 */
export function isImage(value: unknown): value is Image {
  return hasBrand(value, IMAGE_BRAND);
}

const u16be = (b: Uint8Array, i: number): number => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number): number => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number): number => u16be(b, i) * 65536 + u16be(b, i + 2);

/** JPEG: the frame header (SOF0-15 except DHT, JPG and DAC markers) holds the size. */
function jpegSize(b: Uint8Array): [number, number] | undefined {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return [u16be(b, i + 7), u16be(b, i + 5)];
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) i += 2;
    else i += 2 + u16be(b, i + 2);
  }
  return undefined;
}

function webpSize(b: Uint8Array): [number, number] | undefined {
  const chunk = ascii(b, 12, 16);
  if (chunk === "VP8X") return [1 + u24le(b, 24), 1 + u24le(b, 27)];
  if (chunk === "VP8 ") return [u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff];
  if (chunk === "VP8L") {
    const [b0, b1, b2, b3] = [b[21]!, b[22]!, b[23]!, b[24]!];
    return [
      1 + (((b1 & 0x3f) << 8) | b0),
      1 + (((b3 & 0x0f) << 10) | (b2 << 2) | ((b1 & 0xc0) >> 6)),
    ];
  }
  return undefined;
}

/** SVG: numeric `width`/`height` of the root element, else the `viewBox` size. */
function svgSize(b: Uint8Array): [number, number] | undefined {
  const root = /<svg\b[^>]*>/i.exec(new TextDecoder().decode(b.subarray(0, 65536)))?.[0];
  if (!root) return undefined;
  const attr = (name: string): string | undefined =>
    new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, "i").exec(root)?.[1];
  const px = (v: string | undefined): number | undefined => {
    const m = v && /^\s*([\d.]+)\s*(px)?\s*$/.exec(v);
    return m ? Number(m[1]) : undefined;
  };
  const width = px(attr("width"));
  const height = px(attr("height"));
  if (width !== undefined && height !== undefined) return [width, height];
  const box = attr("viewBox")
    ?.trim()
    .split(/[\s,]+/)
    .map(Number);
  if (box && box.length === 4 && box.every(Number.isFinite)) return [box[2]!, box[3]!];
  return undefined;
}

function dimensions(value: Image): [number, number] | undefined {
  const b = value.bytes;
  switch (value.mimeType) {
    case "image/png":
      // The IHDR chunk comes first: signature (8), length (4), "IHDR" (4), width, height.
      return ascii(b, 12, 16) === "IHDR" ? [u32be(b, 16), u32be(b, 20)] : undefined;
    case "image/jpeg":
      return jpegSize(b);
    case "image/gif":
      return b.length >= 10 ? [u16le(b, 6), u16le(b, 8)] : undefined;
    case "image/webp":
      return b.length >= 30 ? webpSize(b) : undefined;
    case "image/svg+xml":
      return svgSize(b);
  }
}

/**
 * The summary of an image: `mimeType`, `size` in bytes, and `width` and `height` in pixels when
 * the header gives them (null otherwise).
 *
 * @example
 * ```ts
 * summarizeImage(image(pngBytes, "image/png")); // { mimeType: "image/png", size: 68, width: 1, height: 1 }
 * ```
 */
export function summarizeImage(value: Image): ArtifactSummary {
  const size = dimensions(value);
  return {
    mimeType: value.mimeType,
    size: value.bytes.byteLength,
    width: size?.[0] ?? null,
    height: size?.[1] ?? null,
  };
}

function imageType(mimeType: ImageMimeType): ArtifactType<Image> {
  return {
    name: FORMATS[mimeType],
    mediaType: mimeType,
    matches: (value): value is Image => isImage(value) && value.mimeType === mimeType,
    // Copied both ways, like binary artifacts: stored bytes never change with the caller's array.
    serialize: (value) => new Uint8Array(value.bytes),
    deserialize: (bytes) => image(new Uint8Array(bytes), mimeType),
    summarize: (value) => summarizeImage(value),
  };
}

/** The built-in image types, one per format. */
export const imageTypes: readonly ArtifactType<Image>[] = (
  Object.keys(FORMATS) as ImageMimeType[]
).map(imageType);
