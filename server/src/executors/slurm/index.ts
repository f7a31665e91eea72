/**
 * The `slurm` executor made from the server's options: a slurmrestd client whose JWTs are minted
 * from the site's key (renewed before they expire) or taken as given.
 *
 * @example
 * ```ts
 * const slurm = createSlurmExecutor({ url: "http://127.0.0.1:6820", user: "tsematic-slurm",
 *   jwtKeyFile: "/etc/slurm/jwt_hs256.key", partition: "tsematic" }, console.error);
 * await slurm.ready(); // throws a clear error for a bad key or an unreachable slurmrestd
 * ```
 */
import type { SlurmOptions } from "../../config";
import { SlurmClient } from "./client";
import { SlurmExecutor } from "./executor";
import { mintSlurmJwt } from "./jwt";

export { SlurmClient, SlurmError } from "./client";
export { SlurmExecutor } from "./executor";

const LIFETIME_S = 3600;

export function createSlurmExecutor(
  options: SlurmOptions,
  log: (message: string) => void,
): SlurmExecutor {
  let minted: { token: string; until: number } | undefined;
  const token = (): string => {
    if (options.jwt !== undefined && !options.jwtKeyFile) return options.jwt;
    const now = Date.now();
    if (!minted || minted.until < now) {
      const t = mintSlurmJwt({
        keyFile: options.jwtKeyFile!,
        user: options.user,
        lifetimeSeconds: LIFETIME_S,
      });
      // Renewed well before it expires: a request in flight never carries an expired token.
      minted = { token: t, until: now + (LIFETIME_S / 2) * 1000 };
    }
    return minted.token;
  };
  const client = new SlurmClient({ url: options.url, user: options.user, token });
  return new SlurmExecutor({
    client,
    ...(options.partition ? { partition: options.partition } : {}),
    workerDir: options.workerDir ?? `/tmp/tsematic-worker-${options.user}`,
    ...(options.publicUrls ? { publicUrls: options.publicUrls } : {}),
    ...(options.arrayParallelism ? { arrayParallelism: options.arrayParallelism } : {}),
    log: (m) => log(`slurm executor: ${m}`),
  });
}
