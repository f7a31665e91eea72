/** Code package archives for tests, in the format `tsematic package` writes (kernel-lib). */
import { createHash } from "node:crypto";

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");
export const idOf = (bytes: Buffer): string =>
  createHash("sha256").update("tsematic.package.v1").update("\0").update(bytes).digest("hex");

/** JSON with sorted keys and no whitespace: the archive's canonical form. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return JSON.stringify(sort(value));
}

/** A small archive in the format `tsematic package` writes; `change` edits it before encoding. */
export function packageArchive(
  bundle = "module.exports = {};\n",
  change: (a: { manifest: Record<string, unknown>; files: Record<string, string> }) => void = () =>
    undefined,
): Buffer {
  const lock = '{"lockfileVersion":3}';
  const files: Record<string, string> = {
    "bundle.js": bundle,
    "bundle.js.map": '{"version":3}',
    "dependencies/package.json": '{"name":"p"}',
    "dependencies/package-lock.json": lock,
  };
  const manifest: Record<string, unknown> = {
    format: "tsematic.package.v1",
    entry: { kind: "script", path: "main.ts" },
    bundle: "bundle.js",
    sourcemap: "bundle.js.map",
    exports: [],
    steps: [{ name: "one", sourceHash: sha256("function one() {}") }],
    dependencies: {
      packageJson: "dependencies/package.json",
      lockfile: "dependencies/package-lock.json",
      lockfileSha256: sha256(lock),
    },
    tools: { esbuild: "0.28.2" },
    files: Object.keys(files)
      .sort()
      .map((path) => ({
        path,
        sha256: sha256(files[path]!),
        size: Buffer.byteLength(files[path]!),
      })),
  };
  const a = { format: "tsematic.package.v1", manifest, files };
  change(a);
  return Buffer.from(canonical(a));
}
