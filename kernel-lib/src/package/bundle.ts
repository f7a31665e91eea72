/** One CommonJS module of an entry and its local imports, made by esbuild, byte-for-byte repeatable. */
import { join } from "node:path";
import { loadTool, PackagingError } from "./errors";
import type { Project } from "./project";

/** The bundle's file names inside a package. */
export const BUNDLE_FILE = "bundle.js";
export const SOURCEMAP_FILE = "bundle.js.map";

export interface Bundle {
  code: string;
  map: string;
  /** Project-relative paths of the local files bundled (node_modules stays external). */
  inputs: string[];
  esbuildVersion: string;
}

/** What to bundle: a file, or generated source (a notebook's module) resolved from a folder. */
export type BundleEntry =
  | { file: string }
  | {
      contents: string;
      resolveDir: string;
      sourcefile: string;
      /** A source map of `contents` (JSON), composed into the bundle's. */
      sourceMap?: string;
      /** Where a line of `contents` came from, for error messages (e.g. "cell 4, line 2"). */
      locate?: (line: number) => string | undefined;
    };

/**
 * Bundles `entry` for Node (CommonJS, packages external, names kept so `func()` sees the names the
 * user wrote even where esbuild renames a clash). Paths in the output are relative to the project
 * root and nothing depends on the time, so the same sources always give the same bytes.
 */
export async function bundle(project: Project, entry: BundleEntry): Promise<Bundle> {
  const esbuild = await loadTool<typeof import("esbuild")>("esbuild", () => import("esbuild"));
  let result: import("esbuild").BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      ...("file" in entry
        ? { entryPoints: [entry.file] }
        : {
            stdin: {
              contents: entry.sourceMap
                ? `${entry.contents}//# sourceMappingURL=data:application/json;base64,${Buffer.from(entry.sourceMap).toString("base64")}\n`
                : entry.contents,
              resolveDir: entry.resolveDir,
              sourcefile: entry.sourcefile,
              loader: "ts",
            },
          }),
      absWorkingDir: project.root,
      outfile: join(project.root, BUNDLE_FILE),
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "es2022",
      packages: "external",
      keepNames: true,
      sourcemap: "linked",
      sourcesContent: true,
      charset: "utf8",
      legalComments: "inline",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
  } catch (err) {
    const errors = (err as { errors?: import("esbuild").Message[] }).errors;
    if (!errors) throw err;
    throw new PackagingError(
      `the code could not be bundled:\n  ${errors.map((m) => formatMessage(m, entry)).join("\n  ")}`,
    );
  }
  let code = "";
  let map = "";
  for (const file of result.outputFiles) {
    if (file.path.endsWith(".map")) map = file.text;
    else code = file.text;
  }
  const inputs = Object.keys(result.metafile.inputs)
    .filter((p) => !p.startsWith("<"))
    .sort();
  return { code, map, inputs, esbuildVersion: esbuild.version };
}

function formatMessage(m: import("esbuild").Message, entry: BundleEntry): string {
  const l = m.location;
  const cell =
    l && "locate" in entry && l.file === entry.sourcefile ? entry.locate?.(l.line) : undefined;
  const at = cell ? `${cell}: ` : l ? `${l.file}:${l.line}:${l.column + 1}: ` : "";
  return `${at}${m.text}`;
}
