/**
 * A table file the user picked (CSV or Arrow IPC) as the artifact kernel-lib would have made of
 * the same table: type `arrow.table`, Arrow IPC stream bytes, content address
 * sha256(typeName + "\0" + bytes), and a summary the step panel shows (schema, size, first rows).
 * CSV is read here, in the browser: a column whose every non-empty cell is a number becomes
 * Float64, one of `true`/`false` Bool, any other Utf8; empty cells are nulls.
 *
 * @example
 * ```ts
 * const artifact = await tableArtifactFromFile("prices.csv", new Uint8Array(await file.arrayBuffer()));
 * await uploadTableArtifact(client, artifact); // then pass { artifactId: artifact.id }
 * ```
 */
import type { LineageClient } from "../client";

export const TABLE_TYPE = "arrow.table";
export const TABLE_MEDIA_TYPE = "application/vnd.apache.arrow.stream";

/** Rows kept in the summary (kernel-lib keeps as many). */
const PREVIEW_ROWS = 10;

/** A table ready to upload. */
export interface ITableArtifact {
  readonly id: string;
  readonly typeName: typeof TABLE_TYPE;
  readonly mediaType: typeof TABLE_MEDIA_TYPE;
  readonly size: number;
  readonly summary: {
    readonly schema: ReadonlyArray<{ name: string; type: string; nullable: boolean }>;
    readonly numRows: number;
    readonly numCols: number;
    readonly numBatches: number;
    readonly rows: unknown[][];
  };
  readonly bytes: Uint8Array;
}

/** A file that is neither an Arrow table nor a CSV table: the message says what was wrong. */
export class TableFileError extends Error {
  override readonly name = "TableFileError";
}

/** Reads `bytes` (an Arrow IPC file or stream, or CSV) as a table artifact. */
export async function tableArtifactFromFile(
  fileName: string,
  bytes: Uint8Array,
): Promise<ITableArtifact> {
  const arrow = await import("apache-arrow");
  let table: import("apache-arrow").Table;
  if (isArrow(bytes)) {
    try {
      table = arrow.tableFromIPC(bytes);
    } catch (error) {
      throw new TableFileError(
        `${fileName} looks like an Arrow file but could not be read (${String(error)}): ` +
          "write it again with an Arrow library (tableToIPC), or pick a CSV file.",
      );
    }
  } else {
    const columns = csvColumns(fileName, new TextDecoder().decode(bytes));
    // Typed as read (tableFromArrays would make strings dictionaries, unlike kernel-lib's tables).
    const typeOf = (values: unknown[]): import("apache-arrow").DataType => {
      const kind = typeof values.find((value) => value !== null);
      return kind === "number"
        ? new arrow.Float64()
        : kind === "boolean"
          ? new arrow.Bool()
          : new arrow.Utf8();
    };
    table = new arrow.Table(
      Object.fromEntries(
        Object.entries(columns).map(([name, values]) => [
          name,
          arrow.vectorFromArray(values, typeOf(values)),
        ]),
      ),
    );
  }
  if (table.numCols === 0) {
    throw new TableFileError(`${fileName} has no columns: pick a CSV file with a header line.`);
  }
  // The stream format, as kernel-lib stores tables (the server streams it to the grid as it is).
  const stream = arrow.tableToIPC(table, "stream");
  const columns = table.schema.fields.map((_, i) => table.getChildAt(i));
  const rows: unknown[][] = [];
  for (let r = 0; r < Math.min(PREVIEW_ROWS, table.numRows); r++) {
    rows.push(columns.map((column) => jsonSafe(column?.get(r))));
  }
  return {
    id: await contentId(TABLE_TYPE, stream),
    typeName: TABLE_TYPE,
    mediaType: TABLE_MEDIA_TYPE,
    size: stream.byteLength,
    summary: {
      schema: table.schema.fields.map((f) => ({
        name: f.name,
        type: String(f.type),
        nullable: f.nullable,
      })),
      numRows: table.numRows,
      numCols: table.numCols,
      numBatches: table.batches.length,
      rows,
    },
    bytes: stream,
  };
}

/**
 * Stores the table on the server: its bytes (`PUT /artifacts/{id}/value`, which checks the
 * content address), then an `artifact` event announcing its type and summary, as `tsematic
 * submit` announces its inputs, so the rerun route knows it is a table.
 */
export async function uploadTableArtifact(
  client: LineageClient,
  artifact: ITableArtifact,
): Promise<void> {
  await client.request(
    `/api/v1/artifacts/${artifact.id}/value?typeName=${encodeURIComponent(artifact.typeName)}`,
    { method: "PUT", bytes: artifact.bytes, timeoutMs: 120_000 },
  );
  // A writer of its own: the announcement belongs to no run.
  const announcer = randomHex(20);
  const { bytes: _bytes, ...info } = artifact;
  await client.requestJson("/api/v1/events", {
    method: "POST",
    body: {
      events: [
        {
          type: "artifact",
          id: `${announcer}:1`,
          rootId: announcer,
          at: Date.now(),
          artifact: info,
        },
      ],
    },
  });
}

/** The columns of a CSV text (RFC 4180 quoting), typed as the module documentation says. */
export function csvColumns(
  fileName: string,
  text: string,
): Record<string, Array<number | boolean | string | null>> {
  const records = parseCsv(text.replace(/^\uFEFF/, ""));
  const header = records.shift();
  if (!header || header.every((cell) => cell === "")) {
    throw new TableFileError(`${fileName} is empty: a CSV table needs a header line.`);
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) {
      throw new TableFileError(`${fileName} names the column "${name}" twice: rename one.`);
    }
    seen.add(name);
  }
  records.forEach((record, index) => {
    if (record.length !== header.length) {
      throw new TableFileError(
        `${fileName}, line ${index + 2}: ${record.length} cells where the header has ` +
          `${header.length}: quote cells that contain commas.`,
      );
    }
  });
  const columns: Record<string, Array<number | boolean | string | null>> = {};
  header.forEach((name, c) => {
    const cells = records.map((record) => record[c] ?? "");
    const filled = cells.filter((cell) => cell !== "");
    const numeric = filled.length > 0 && filled.every((cell) => Number.isFinite(Number(cell)));
    const boolean = filled.length > 0 && filled.every((cell) => /^(true|false)$/i.test(cell));
    columns[name] = cells.map((cell) =>
      cell === "" ? null : numeric ? Number(cell) : boolean ? cell.toLowerCase() === "true" : cell,
    );
  });
  return columns;
}

/** Records of a CSV text; quoted cells may hold commas, quotes (doubled) and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      record.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[i + 1] === "\n") {
        i++;
      }
      record.push(cell);
      records.push(record);
      record = [];
      cell = "";
    } else {
      cell += char;
    }
  }
  if (cell !== "" || record.length > 0) {
    record.push(cell);
    records.push(record);
  }
  // A blank line (often the last) is no record.
  return records.filter((r) => !(r.length === 1 && r[0] === ""));
}

/** Arrow IPC: the file format's magic, or a stream's first message (continuation marker). */
function isArrow(bytes: Uint8Array): boolean {
  const magic = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
  if (magic.every((b, i) => bytes[i] === b)) {
    return true;
  }
  return (
    bytes.length >= 8 &&
    bytes[0] === 0xff &&
    bytes[1] === 0xff &&
    bytes[2] === 0xff &&
    bytes[3] === 0xff
  );
}

/** sha256(typeName + "\0" + bytes), hex: kernel-lib's content address. */
async function contentId(typeName: string, bytes: Uint8Array): Promise<string> {
  const prefix = new TextEncoder().encode(`${typeName}\0`);
  const all = new Uint8Array(prefix.length + bytes.length);
  all.set(prefix);
  all.set(bytes, prefix.length);
  const digest = await crypto.subtle.digest("SHA-256", all);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value.toString();
  }
  if (typeof value === "number" && !Number.isFinite(value)) {
    return String(value);
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  return value ?? null;
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))]
    .map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}
