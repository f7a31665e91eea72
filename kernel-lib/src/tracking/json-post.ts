/**
 * POST of a JSON body with `node:http`: the tracking client's hot path (event batches and artifact
 * batches, hundreds of KiB each, dozens per second). `fetch` streams a string body through a
 * TextEncoder and web streams, which cost the kernel more CPU than building the batch did;
 * `node:http` writes the string to the socket in one call. Sockets are kept alive and shared by the
 * whole process, and never keep it running when idle.
 */
import * as http from "node:http";
import * as https from "node:https";

const agents = {
  "http:": new http.Agent({ keepAlive: true }),
  "https:": new https.Agent({ keepAlive: true }),
};

/** What the server answered: its status and body text. */
export interface PostAnswer {
  status: number;
  text: string;
}

/**
 * Posts `body` (JSON, as text or UTF-8 bytes) to `url`. Rejects when no answer came (no connection, reset, timeout);
 * any answer, whatever its status, resolves.
 *
 * @example
 * ```ts
 * const { status, text } = await postJson(`${server}/api/v1/events`, { authorization }, body, 30_000);
 * ```
 */
export function postJson(
  url: string,
  headers: Record<string, string>,
  body: string | Uint8Array,
  timeoutMs: number,
): Promise<PostAnswer> {
  const target = new URL(url);
  const client = target.protocol === "https:" ? https : http;
  const agent = target.protocol === "https:" ? agents["https:"] : agents["http:"];
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: "POST",
        agent,
        headers: {
          ...headers,
          "content-type": "application/json",
          "content-length": typeof body === "string" ? Buffer.byteLength(body) : body.byteLength,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}
