/** The built-in artifact types, most specific first; JSON-like data is the fallback. */
import type { ArtifactType } from "./artifact";
import { jsonType } from "./json";

export const BUILTIN_TYPES: readonly ArtifactType[] = [jsonType as ArtifactType];
