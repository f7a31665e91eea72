/**
 * Whose files the server trusts. The data directory holds the token and the database: if someone
 * else owns it, or can write into it, they can swap the token for one they know or plant a symlink
 * that turns the server's writes against another file. So the directory and the token and server.json
 * files must belong to the user running the server and be writable by nobody else; the refusal says
 * the command that fixes it.
 */
import { fstatSync, statSync, type Stats } from "node:fs";

/** The user this process runs as (undefined where the platform has no uids). */
function currentUid(): number | undefined {
  return typeof process.geteuid === "function" ? process.geteuid() : undefined;
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, "0");
}

/** Why `stats` of `path` is not safe to trust, or undefined when it is. */
function problem(path: string, stats: Stats, what: string): string | undefined {
  const uid = currentUid();
  if (uid !== undefined && stats.uid !== uid) {
    return (
      `${what} ${path} belongs to user id ${stats.uid}, not to you (user id ${uid}): ` +
      `use a directory of your own (set TSEMATIC_HOME or pass --data-dir), or take it over with ` +
      `\`chown -R ${uid} ${path}\` if it is yours`
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    return (
      `${what} ${path} is writable by ${stats.mode & 0o020 ? "its group" : "others"} ` +
      `(mode ${octal(stats.mode)}), so someone else could replace the token or the database: ` +
      `fix it with \`chmod go-w ${path}\``
    );
  }
  return undefined;
}

/** Thrown when the data directory or one of its files is not safe to use. */
export class UnsafeDataDirError extends Error {}

/** Refuses a data directory that is not the user's own or that others may write to. */
export function checkDataDir(dir: string): void {
  const stats = statSync(dir);
  if (!stats.isDirectory()) {
    throw new UnsafeDataDirError(
      `the data directory ${dir} is not a directory: pass another --data-dir`,
    );
  }
  const why = problem(dir, stats, "the data directory");
  if (why) throw new UnsafeDataDirError(why);
}

/** Refuses an open file (by descriptor) that is not the user's own or that others may write to. */
export function checkOwnedFile(fd: number, path: string, what: string): void {
  const stats = fstatSync(fd);
  if (!stats.isFile()) {
    throw new UnsafeDataDirError(
      `${what} ${path} is not a regular file: remove it (\`rm ${path}\`)`,
    );
  }
  const why = problem(path, stats, what);
  if (why) throw new UnsafeDataDirError(why);
}
