import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../http/errors";
import { chooseNodeUrl, MAX_NODE_URL_LENGTH, nodeUrlProblem, parsePublicUrl } from "./node-urls";

const ALLOWED = ["http://head.cluster:8765", "https://tsematic.example/lab"];

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    return error;
  }
  assert.fail("it was not refused");
}

describe("the URLs jobs may call the server back at", () => {
  it("takes an http(s) URL as the operator wrote it, without its trailing slash", () => {
    assert.equal(parsePublicUrl("http://head.cluster:8765/", "--public-url"), ALLOWED[0]);
    assert.equal(parsePublicUrl("https://tsematic.example/lab/", "--public-url"), ALLOWED[1]);
  });

  it("refuses a URL that is too long, not http(s), carries credentials, a query or a fragment, naming the flag", () => {
    const long = `http://h/${"a".repeat(MAX_NODE_URL_LENGTH)}`;
    assert.throws(() => parsePublicUrl(long, "--public-url"), /--public-url .* characters long/);
    assert.throws(() => parsePublicUrl("head:8765", "--public-url"), /use an http or https URL/);
    assert.throws(() => parsePublicUrl("ftp://head/", "--public-url"), /uses ftp: use an http/);
    assert.throws(() => parsePublicUrl("not a url", "--public-url"), /not an absolute URL/);
    assert.throws(
      () => parsePublicUrl("http://admin:secret@head:8765", "--public-url"),
      /user name or password/,
    );
    assert.throws(() => parsePublicUrl("http://head:8765/?t=1", "--public-url"), /query/);
    assert.equal("problem" in nodeUrlProblem("http://head:8765#x"), true);
  });

  it("gives the first configured URL by default, and a requested one only when configured", () => {
    assert.equal(chooseNodeUrl("slurm", ALLOWED, undefined), ALLOWED[0]);
    assert.equal(chooseNodeUrl("slurm", ALLOWED, "https://tsematic.example/lab/"), ALLOWED[1]);
  });

  it("refuses a URL outside the list with a 400 naming the allowed URLs and what to do", () => {
    const error = refusal(() => chooseNodeUrl("slurm", ALLOWED, "http://attacker.example:80"));
    assert.equal(error.status, 400);
    assert.equal(error.code, "node_url_not_allowed");
    assert.match(error.message, /"http:\/\/attacker\.example" is not a URL this server lets/);
    assert.match(
      error.message,
      /allowed: http:\/\/head\.cluster:8765, https:\/\/tsematic\.example\/lab/,
    );
    assert.match(error.message, /--public-url URL/);
  });

  it("refuses a malformed URL with a 400 bad_node_url, quoting it bounded", () => {
    const error = refusal(() => chooseNodeUrl("slurm", ALLOWED, "http://u:p@head.cluster:8765"));
    assert.equal(error.code, "bad_node_url");
    assert.match(error.message, /user name or password/);
    const huge = refusal(() => chooseNodeUrl("slurm", ALLOWED, `http://${"x".repeat(5000)}`));
    assert.equal(huge.code, "bad_node_url");
    assert.ok(huge.message.length < 600, `bounded: ${huge.message.length} characters`);
  });
});
