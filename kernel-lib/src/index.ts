/**
 * Tsematic: pipelines as plain TypeScript functions.
 *
 * @packageDocumentation
 */
export type * from "./events";
export type * from "./types/artifact";
export { registerType, defaultRegistry, TypeRegistry, UnserializableValueError } from "./types/registry";
