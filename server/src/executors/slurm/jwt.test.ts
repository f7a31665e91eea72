import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { mintSlurmJwt } from "./jwt";

const dir = mkdtempSync(join(tmpdir(), "tsematic-jwt-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function decode(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

describe("mintSlurmJwt", () => {
  it("signs iat, exp and sun with HS256 under the key file's bytes", () => {
    const key = Buffer.from("0123456789abcdef0123456789abcdef\n");
    const keyFile = join(dir, "jwt.key");
    writeFileSync(keyFile, key, { mode: 0o600 });
    const token = mintSlurmJwt({
      keyFile,
      user: "tsematic-slurm",
      lifetimeSeconds: 60,
      nowSeconds: 1000,
    });
    const [header, claims, signature] = token.split(".");
    assert.deepEqual(decode(header!), { alg: "HS256", typ: "JWT" });
    assert.deepEqual(decode(claims!), { iat: 1000, exp: 1060, sun: "tsematic-slurm" });
    const expected = createHmac("sha256", key).update(`${header}.${claims}`).digest("base64url");
    assert.equal(signature, expected);
    assert.equal(
      token,
      mintSlurmJwt({ key, user: "tsematic-slurm", lifetimeSeconds: 60, nowSeconds: 1000 }),
    );
  });

  it("names the key file when it cannot be read", () => {
    const keyFile = join(dir, "missing.key");
    assert.throws(
      () => mintSlurmJwt({ keyFile, user: "alice", lifetimeSeconds: 60 }),
      (error: Error) => error.message.includes(keyFile) && error.message.includes("jwt_key"),
    );
  });

  it("refuses an empty key, a user that is no unix name and a lifetime that is not positive", () => {
    assert.throws(
      () => mintSlurmJwt({ key: Buffer.alloc(0), user: "a", lifetimeSeconds: 1 }),
      /is empty/,
    );
    assert.throws(
      () => mintSlurmJwt({ key: Buffer.from("k"), user: "a b", lifetimeSeconds: 1 }),
      /unix user/,
    );
    assert.throws(
      () => mintSlurmJwt({ key: Buffer.from("k"), user: "a", lifetimeSeconds: 0 }),
      /positive/,
    );
  });
});
