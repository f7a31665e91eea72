/**
 * The built-in types, most specific first: a value goes to the first type that matches it.
 * Branded helper values (plots, images, Markdown) and tables come before the structural types,
 * and JSON-like data, which accepts anything (or explains why it cannot), comes last.
 */
import type { ArtifactType } from "./artifact";
import { arrowTableType } from "./arrow";
import { binaryType } from "./binary";
import { errorType } from "./error";
import { imageTypes } from "./image";
import { jsonType } from "./json";
import { markdownType } from "./markdown";
import { plotType } from "./plot";

export const BUILTIN_TYPES: readonly ArtifactType[] = [
  plotType,
  ...imageTypes,
  markdownType,
  arrowTableType,
  binaryType,
  errorType,
  jsonType,
] as ArtifactType[];
