/**
 * Whether a promotion's plan can be submitted: the dialog shows every plan, and keeps its Submit
 * button disabled with the first reason as its title.
 *
 * @example
 * ```ts
 * const blocker = submitBlocker(plan); // null, or "Fix the packaging errors first."
 * ```
 */
import type { IPromotionPlan } from "./protocol";

/** Null when the plan can be submitted; else the first reason it cannot. */
export function submitBlocker(plan: IPromotionPlan): string | null {
  if (plan.errors.length > 0) {
    return "Fix the packaging errors first.";
  }
  if (plan.call === null) {
    return "This cell awaits no pipeline call.";
  }
  if (!plan.executor.reachable) {
    return plan.executor.problem ?? `The executor ${plan.executor.name} is not reachable.`;
  }
  if (plan.executor.nodeUrlProblem) {
    return plan.executor.nodeUrlProblem;
  }
  return null;
}
