/**
 * Apache Arrow tables as artifacts: Arrow IPC stream bytes, which the server streams to the
 * browser as they are (the extension's grid and duckdb-wasm read them directly).
 *
 * Tables are recognised by shape, not `instanceof`, so a table made by another copy of
 * apache-arrow (a notebook may install its own) is stored too; reading gives a table of this
 * library's apache-arrow. Reading does not copy the data: the columns are views of the bytes.
 */
import type { Table } from "apache-arrow";
import type { ArtifactType } from "./artifact";
import type { ArrowTableLike } from "./arrow-ipc";
import { hasArrowTableShape } from "./arrow-shape";
import { parallelContentHasher, rememberContentId, type ContentHasher } from "./content-hasher";

/*
 * apache-arrow (about 150 ms to load) is loaded on the first table, not with the library: every
 * worker process and every notebook that never touches a table would pay for it otherwise.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const ipc = (): typeof import("./arrow-ipc") =>
  require("./arrow-ipc") as typeof import("./arrow-ipc");
const summary = (): typeof import("./arrow-summary") =>
  require("./arrow-summary") as typeof import("./arrow-summary");
const arrow = (): typeof import("apache-arrow") =>
  require("apache-arrow") as typeof import("apache-arrow");
/* eslint-enable @typescript-eslint/no-require-imports */

const TYPE_NAME = "arrow.table";

/** The built-in type of Arrow tables; see the module documentation. */
export const arrowTableType: ArtifactType<ArrowTableLike> = {
  name: TYPE_NAME,
  mediaType: "application/vnd.apache.arrow.stream",
  matches: hasArrowTableShape,
  serialize(value) {
    let hasher: ContentHasher | undefined;
    const { asOwnTable, writeTableIPC } = ipc();
    const bytes = writeTableIPC(asOwnTable(value), (total) => {
      hasher = parallelContentHasher(TYPE_NAME, total);
      return hasher;
    });
    // The registry takes the id from here instead of hashing the bytes a second time.
    if (hasher) rememberContentId(bytes, TYPE_NAME, hasher);
    return bytes;
  },
  deserialize: (bytes): Table => arrow().tableFromIPC(bytes),
  summarize: (value) => summary().summarizeTable(ipc().asOwnTable(value)),
};
