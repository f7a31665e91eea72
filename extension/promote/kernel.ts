/**
 * Executes generated code in a notebook's kernel without touching the notebook: `store_history:
 * false` and `silent` (no execution count, no history, and JupyterLab routes the messages to this
 * request only, never into a cell's output), then reads the answer line it printed.
 *
 * @example
 * ```ts
 * const plan = await askKernel<IPromotionPlan>(kernel, planCode(request));
 * ```
 */
import type { Kernel, KernelMessage } from "@jupyterlab/services";

import { type IAnswer, parseAnswer } from "./protocol";

/** Runs `code` in `kernel` and returns its answer; throws with the kernel's error or the answer's. */
export async function askKernel<T>(kernel: Kernel.IKernelConnection, code: string): Promise<T> {
  const future = kernel.requestExecute({
    code,
    silent: true,
    store_history: false,
    allow_stdin: false,
    stop_on_error: false,
  });
  let text = "";
  let failure = "";
  future.onIOPub = (message: KernelMessage.IIOPubMessage): void => {
    const type = message.header.msg_type;
    if (type === "stream") {
      const content = message.content as KernelMessage.IStreamMsg["content"];
      if (content.name === "stderr") {
        // tslab reports a compile error of the code on stderr, not as an error message.
        failure ||= content.text.trim().split("\n").slice(0, 6).join(" ");
      } else {
        text += content.text;
      }
    } else if (type === "error") {
      const content = message.content as KernelMessage.IErrorMsg["content"];
      failure = `${content.ename}: ${content.evalue}`;
    }
  };
  const reply = await future.done;
  const answer: IAnswer<T> | null = parseAnswer<T>(text);
  if (answer?.ok) {
    return answer.answer;
  }
  if (answer) {
    throw new Error(answer.error);
  }
  const status = (reply?.content as { status?: string } | undefined)?.status ?? "unknown";
  throw new Error(
    `The notebook's kernel did not answer (${failure || `status ${status}`}): is it a TypeScript ` +
      "(tslab) kernel with tsematic installed in the notebook's project? Run the notebook's first " +
      "cell (its imports), then try again.",
  );
}
