/**
 * Slurm's JWT authentication (auth/jwt, rest_auth/jwt): slurmctld checks an HS256 token signed with the
 * site's `jwt_key` file; the token names the unix user (`sun`) that requests act for. Minting it here needs no
 * `scontrol token` (which only works as root on a node) and no dependency.
 *
 * @example
 * ```ts
 * const token = mintSlurmJwt({ keyFile: "/var/spool/slurm/jwt_hs256.key", user: "alice", lifetimeSeconds: 3600 });
 * await fetch(`${restUrl}/slurm/v0.0.38/ping`, {
 *   headers: { "X-SLURM-USER-NAME": "alice", "X-SLURM-USER-TOKEN": token },
 * });
 * ```
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

/** What {@link mintSlurmJwt} signs: the key (or its file), the user requests act for, and how long it lasts. */
export type SlurmJwtOptions = (
  { keyFile: string; key?: undefined } | { key: Buffer; keyFile?: undefined }
) & {
  /** The unix user the token authenticates as (the `sun` claim). */
  user: string;
  /** Seconds from now until `exp`. */
  lifetimeSeconds: number;
  /** The issue time; defaults to now (a parameter so tests can mint an expired token). */
  nowSeconds?: number;
};

/**
 * Mints an HS256 JWT with the claims Slurm reads: `iat`, `exp` and `sun` (slurm user name).
 *
 * @throws Error naming the key file when it cannot be read or is empty, and when the user or lifetime is invalid.
 */
export function mintSlurmJwt(options: SlurmJwtOptions): string {
  const key = options.key ?? readKeyFile(options.keyFile!);
  if (key.length === 0) {
    throw new Error(
      `Slurm JWT key ${options.keyFile ?? "(given inline)"} is empty: use the file slurm.conf's AuthAltParameters=jwt_key=... names.`,
    );
  }
  if (!/^[A-Za-z0-9._][A-Za-z0-9._-]*$/.test(options.user)) {
    throw new Error(`Slurm JWT user "${options.user}" is not a unix user name.`);
  }
  if (!Number.isFinite(options.lifetimeSeconds) || options.lifetimeSeconds <= 0) {
    throw new Error(
      `Slurm JWT lifetime must be a positive number of seconds, got ${options.lifetimeSeconds}.`,
    );
  }
  const iat = Math.floor(options.nowSeconds ?? Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));
  const claims = base64url(
    JSON.stringify({ iat, exp: iat + Math.ceil(options.lifetimeSeconds), sun: options.user }),
  );
  const signature = createHmac("sha256", key).update(`${header}.${claims}`).digest("base64url");
  return `${header}.${claims}.${signature}`;
}

function readKeyFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `Cannot read the Slurm JWT key ${path} (${reason}): give the file slurm.conf's AuthAltParameters=jwt_key=... names, readable by this process.`,
    );
  }
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}
