/**
 * The "Cluster node URL" setting as the Run Pipeline on Cluster dialog uses it: checked for its
 * form here (bounded, absolute http(s), no user name or password, no query or fragment), before it
 * is sent to the kernel as a choice; the lineage server's list of allowed URLs decides the rest
 * (the plan's `nodeUrlProblem`, and a 400 from the server if submitted anyway).
 *
 * @example
 * ```ts
 * nodeUrlSettingProblem("http://admin:pw@head:8765"); // "… carries a user name or password …"
 * withSettingProblem(plan, problem); // the plan, blocked, its executor saying why
 * ```
 */
import type { IPromotionPlan } from "./protocol";

/** Longest URL the setting may hold (the schema's maxLength, and the server's). */
export const MAX_NODE_URL_LENGTH = 2048;

/** What is wrong with the setting's value, with what to do; null when its form is fine or empty. */
export function nodeUrlSettingProblem(value: string | undefined): string | null {
  if (!value) {
    return null;
  }
  const setting = "Settings › Tsematic › Cluster node URL";
  const shown = value.length > 200 ? `${value.slice(0, 200)}…` : value;
  if (value.length > MAX_NODE_URL_LENGTH) {
    return `${setting} is ${value.length} characters long (at most ${MAX_NODE_URL_LENGTH}): shorten it, or leave it empty for the server's default.`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${setting} "${shown}" is not an absolute URL: write it as http://host:port, or leave it empty for the server's default.`;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return `${setting} "${shown}" uses ${url.protocol.replace(/:$/, "")}: use an http or https URL, or leave it empty for the server's default.`;
  }
  if (url.username || url.password) {
    return `${setting} "${url.host}" carries a user name or password: remove them (jobs authenticate with their own token).`;
  }
  if (url.search || url.hash) {
    return `${setting} "${shown}" has a query or fragment: give the server's base URL alone.`;
  }
  return null;
}

/** The plan with the setting's problem: no URL for the jobs, and submitting blocked. */
export function withSettingProblem(plan: IPromotionPlan, problem: string): IPromotionPlan {
  return { ...plan, executor: { ...plan.executor, nodeUrl: null, nodeUrlProblem: problem } };
}
