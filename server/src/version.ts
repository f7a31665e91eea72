/** The server package's version, as reported by /api/v1/health and server.json. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { version: string }
).version;
