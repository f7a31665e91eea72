/**
 * The API token: 32 random bytes, created at first start and kept in `<dataDir>/token` (mode 0600),
 * where local clients (kernel-lib, the CLI) read it.
 *
 * The file is opened with O_NOFOLLOW (a `token` symlink would make the server adopt a known file's
 * text as its token) and created with O_EXCL (two servers starting at once: the loser reads the
 * winner's token instead of overwriting it).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { closeSync, constants, fchmodSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { checkOwnedFile, UnsafeDataDirError } from "../ownership";

export const TOKEN_FILE = "token";

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

/** Reads `<dataDir>/token`, creating it on first start. */
export function loadOrCreateToken(dataDir: string): string {
  const file = join(dataDir, TOKEN_FILE);
  for (let attempt = 0; ; attempt++) {
    const existing = readToken(file);
    if (existing === undefined) {
      const created = createToken(file, false);
      if (created) return created;
      continue; // Another process created it first: read the winner's.
    }
    if (existing.length >= 16) return existing;
    // Empty or too short: the winner of a race may still be writing it; else an interrupted first
    // start left it, and it is replaced.
    if (attempt >= 10) return createToken(file, true)!;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

/** The token in `file`, "" when it is empty, undefined when there is no file. */
function readToken(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, O_RDONLY | O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ELOOP") throw symlinkRefusal(file);
    throw error;
  }
  try {
    checkOwnedFile(fd, file, "the token file");
    // Readable by others means the token may be known: the file is tightened, as always.
    fchmodSync(fd, 0o600);
    return readFileSync(fd, "utf8").trim();
  } finally {
    closeSync(fd);
  }
}

/** Creates the token file; undefined when another process created it first. */
function createToken(file: string, replaceShort: boolean): string | undefined {
  const token = randomBytes(32).toString("hex");
  let fd: number;
  try {
    // A file too short to be a token (an interrupted first start) is replaced in place.
    const flags = O_WRONLY | O_CREAT | O_NOFOLLOW | (replaceShort ? constants.O_TRUNC : O_EXCL);
    fd = openSync(file, flags, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return undefined;
    if (code === "ELOOP") throw symlinkRefusal(file);
    throw error;
  }
  try {
    checkOwnedFile(fd, file, "the token file");
    fchmodSync(fd, 0o600);
    writeSync(fd, `${token}\n`);
  } finally {
    closeSync(fd);
  }
  return token;
}

function symlinkRefusal(file: string): Error {
  return new UnsafeDataDirError(
    `the token file ${file} is a symbolic link: the server never follows one (it would adopt the ` +
      `linked file's text as its token). Remove it (\`rm ${file}\`); the server creates a new token`,
  );
}

/**
 * Compares a presented token with the expected one in constant time. Both sides are hashed first so
 * that neither the content nor the length of the expected token leaks through timing.
 */
export function tokensEqual(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
