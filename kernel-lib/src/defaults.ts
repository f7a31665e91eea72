/**
 * What a process runs root futures with unless told otherwise: the local runner, tracking to the
 * lineage server through a client loaded on the first tracked run. Loaded by `func()` (every future
 * comes from a step), so `future.ts` and the runner need not import either.
 */
import { installDefaultHooks } from "./runner/backend";
import { localRootRunner } from "./runner/resolve";
import { lazyServerBackend } from "./tracking/default-backend";

installDefaultHooks({ rootRunner: localRootRunner, trackingBackend: lazyServerBackend });
