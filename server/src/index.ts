/**
 * @tsematic/server: the lineage server of Tsematic.
 *
 * Start it with `tsematic server`, or in-process with {@link startServer}. The HTTP API is described
 * in openapi.yaml; clients find a local server through {@link discoverServer}.
 *
 * @packageDocumentation
 */
export { startServer, type RunningServer, DATABASE_FILE } from "./server";
export { type ServerOptions, defaultDataDir, DEFAULT_PORT } from "./config";
export { discoverServer, readServerInfo, type Endpoint, type ServerInfo } from "./discovery";
export { VERSION } from "./version";
export type * from "./model/events";
export type * from "./model/api";
