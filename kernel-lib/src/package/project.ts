/** The project a script or notebook belongs to: the nearest folder above it with a package-lock.json. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { PackagingError } from "./errors";

export interface Project {
  /** Absolute folder holding package.json and package-lock.json. */
  root: string;
  packageJson: string;
  lockfile: string;
}

/** Finds the project of `file` (an absolute path), or throws saying how to make one. */
export function findProject(file: string): Project {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const lock = join(dir, "package-lock.json");
    if (existsSync(lock)) {
      const pkg = join(dir, "package.json");
      if (!existsSync(pkg)) {
        throw new PackagingError(
          `${lock} has no package.json beside it: a package needs both to install its dependencies`,
        );
      }
      return {
        root: dir,
        packageJson: readFileSync(pkg, "utf8"),
        lockfile: readFileSync(lock, "utf8"),
      };
    }
    if (dirname(dir) === dir) break;
  }
  throw new PackagingError(
    `no package-lock.json in any folder above ${file}: a code package names its dependencies by ` +
      "the project's lockfile; run `npm install` in the project folder to create one",
  );
}

/** `path` relative to the project root with `/` separators (what a package records, never absolute). */
export function projectPath(project: Project, path: string): string {
  return relative(project.root, path).split(sep).join("/");
}
