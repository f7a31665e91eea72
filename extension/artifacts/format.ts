/**
 * Text for values shown in the artifact views: grid cells and hex dumps.
 *
 * @example
 * ```ts
 * formatCell(12n); // "12"
 * hexDump(new Uint8Array([0x41, 0x00])); // "00000000  41 00 ...  A."
 * ```
 */

/** A cell's text: numbers as they are, bigints exactly, dates as ISO, nested values as JSON. */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) {
    return "";
  }
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
    case "bigint":
    case "boolean":
      return String(value);
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (ArrayBuffer.isView(value)) {
    return `<${value.byteLength} bytes>`;
  }
  const json = (value as { toJSON?: () => unknown }).toJSON?.() ?? value;
  try {
    return JSON.stringify(json, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));
  } catch {
    return String(value);
  }
}

/** `offset  hex bytes  ascii`, 16 bytes per line. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const row = bytes.subarray(offset, offset + 16);
    const hex = Array.from(row, (b) => b.toString(16).padStart(2, "0")).join(" ");
    const ascii = Array.from(row, (b) =>
      b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".",
    ).join("");
    lines.push(`${offset.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join("\n");
}
