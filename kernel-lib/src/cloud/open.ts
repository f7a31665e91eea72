/** Setting up dispatch for one root: validation, the code package, the dispatcher. */
import type { DispatchSetup } from "../runner/backend";
import type { Dispatcher } from "../runner/dispatch";
import type { ServerClient } from "../tracking/http";
import { HttpDispatcher, validateSteps } from "./dispatcher";
import { ensurePackage, packageSource } from "./packages";

/**
 * Refuses an impossible request before anything runs (`POST /executors/{name}/validate`), then
 * packages and uploads the code (unless the package is known, as in a worker).
 */
export async function openDispatcher(
  client: ServerClient,
  setup: DispatchSetup,
): Promise<{ dispatcher: Dispatcher; packageId: string }> {
  if (setup.packageId !== undefined) {
    return {
      dispatcher: new HttpDispatcher(client, {
        executor: setup.executor,
        packageId: setup.packageId,
        namespace: setup.namespace,
        ...(setup.localProject ? { localProject: setup.localProject } : {}),
      }),
      packageId: setup.packageId,
    };
  }
  await validateSteps(client, setup.executor, setup.steps);
  const pkg = await ensurePackage(client, packageSource(setup.package));
  return {
    dispatcher: new HttpDispatcher(client, {
      executor: setup.executor,
      packageId: pkg.id,
      namespace: setup.namespace,
      localProject: pkg.localProject,
    }),
    packageId: pkg.id,
  };
}
