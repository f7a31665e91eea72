/**
 * Apache Arrow tables as artifacts: Arrow IPC stream bytes, which the server streams to the
 * browser as they are (the extension's grid and duckdb-wasm read them directly).
 *
 * Tables are recognised by shape, not `instanceof`, so a table made by another copy of
 * apache-arrow (a notebook may install its own) is stored too; reading gives a table of this
 * library's apache-arrow. Reading does not copy the data: the columns are views of the bytes.
 */
import { tableFromIPC, type Table } from "apache-arrow";
import type { ArtifactType } from "./artifact";
import { asOwnTable, isArrowTableLike, writeTableIPC, type ArrowTableLike } from "./arrow-ipc";
import { summarizeTable } from "./arrow-summary";
import { parallelContentHasher, rememberContentId, type ContentHasher } from "./content-hasher";

const TYPE_NAME = "arrow.table";

/** The built-in type of Arrow tables; see the module documentation. */
export const arrowTableType: ArtifactType<ArrowTableLike> = {
  name: TYPE_NAME,
  mediaType: "application/vnd.apache.arrow.stream",
  matches: isArrowTableLike,
  serialize(value) {
    let hasher: ContentHasher | undefined;
    const bytes = writeTableIPC(asOwnTable(value), (total) => {
      hasher = parallelContentHasher(TYPE_NAME, total);
      return hasher;
    });
    // The registry takes the id from here instead of hashing the bytes a second time.
    if (hasher) rememberContentId(bytes, TYPE_NAME, hasher);
    return bytes;
  },
  deserialize: (bytes): Table => tableFromIPC(bytes),
  summarize: (value) => summarizeTable(asOwnTable(value)),
};
