/**
 * Sends the "Rerun with New Inputs…" form: the form's own checks first, then the tables read from
 * files are uploaded, then the server validates the request (`dryRun`, its one validator), and
 * only a request it accepts is sent for real. A refusal about an input is put on the model, next
 * to that input; any other failure is thrown for the command to report.
 *
 * @example
 * ```ts
 * const answer = await submitRerunForm(client, model);
 * if (answer) selection.select(answer.rootId); // else the form shows what to fix
 * ```
 */
import type { LineageClient } from "../client";
import { checkRerun, type IRerunAnswer, requestRerun, rerunRefusal } from "./api";
import type { RerunFormModel } from "./form-model";
import { uploadTableArtifact } from "./table-file";

export async function submitRerunForm(
  client: LineageClient,
  model: RerunFormModel,
  options: { executor?: string } = {},
): Promise<IRerunAnswer | null> {
  const { inputs, error } = model.request();
  if (error !== null) {
    return null;
  }
  for (const table of model.uploads()) {
    await uploadTableArtifact(client, table);
  }
  const request = { inputs, ...(options.executor ? { executor: options.executor } : {}) };
  try {
    await checkRerun(client, model.rootId, request);
  } catch (failure) {
    const refusal = rerunRefusal(failure);
    if (refusal && refusal.code !== "no_package") {
      model.refuse(refusal);
      return null;
    }
    throw failure;
  }
  return requestRerun(client, model.rootId, request);
}
