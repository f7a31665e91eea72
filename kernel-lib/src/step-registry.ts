/**
 * Steps by name, in this process: a worker that loaded a code package finds the step it must run
 * with {@link stepByName}. Every `func()` registers its step here.
 *
 * Steps are kept per module (the file whose code called `func()`). A module that defines a step
 * again later (a notebook cell run again, a module reloaded) replaces its earlier definition. Two
 * steps with one name defined by one module in the same evaluation, or by two modules, are kept
 * both: looking that name up is an error naming where each was defined (a package must name each
 * step once). Registering never throws: a notebook that defines a step twice still runs locally.
 */
import { StepDefinitionError } from "./errors";
import { processGlobal } from "./process-global";
import type { Step } from "./step";

type AnyStep = Step<never[], unknown>;

interface Definition {
  step: AnyStep;
  /** `file:line:column` of the `func()` call. */
  site: string;
  /** The module evaluation it came from: definitions of one synchronous run share it. */
  turn: object;
}

interface Registry {
  /** name → module file → definitions (more than one: a duplicate within one evaluation). */
  steps: Map<string, Map<string, Definition[]>>;
  turn: object | undefined;
}

const registry = (): Registry =>
  processGlobal<Registry>("tsematic.stepRegistry.v1", () => ({
    steps: new Map(),
    turn: undefined,
  }));

/**
 * One token per synchronous run of code: a module's body (and a notebook cell up to its first
 * `await`) defines its steps in one turn; running it again is a later turn.
 */
function currentTurn(reg: Registry): object {
  if (!reg.turn) {
    const turn = {};
    reg.turn = turn;
    queueMicrotask(() => {
      if (reg.turn === turn) reg.turn = undefined;
    });
  }
  return reg.turn;
}

/** Where the code calling `func()` lives: the first stack frame outside this library's step modules. */
function definitionSite(): { file: string; site: string } {
  const original = Error.prepareStackTrace;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    Error.captureStackTrace(holder, registerStep);
    for (const callSite of holder.stack ?? []) {
      const file = callSite.getFileName() ?? "<anonymous>";
      if (file === STEP_MODULE) continue;
      return { file, site: `${file}:${callSite.getLineNumber()}:${callSite.getColumnNumber()}` };
    }
  } finally {
    Error.prepareStackTrace = original;
  }
  return { file: "<unknown>", site: "<unknown>" };
}

/** The module of `func()`, whose frame sits between the definition and {@link registerStep}. */
const STEP_MODULE = __filename.replace(/step-registry(\.[jt]s)$/, "step$1");

/** @internal Called by `func()`. */
export function registerStep(step: AnyStep): void {
  const reg = registry();
  const { file, site } = definitionSite();
  const turn = currentTurn(reg);
  let byModule = reg.steps.get(step.stepName);
  if (!byModule) reg.steps.set(step.stepName, (byModule = new Map()));
  const earlier = byModule.get(file);
  const definition: Definition = { step, site, turn };
  if (!earlier || earlier[0]!.turn !== turn) {
    byModule.set(file, [definition]);
    return;
  }
  // The same func() call evaluated again (a factory, a loop) is one step redefined, not a duplicate.
  const same = earlier.findIndex((d) => d.site === site);
  if (same >= 0) earlier[same] = definition;
  else earlier.push(definition);
}

/**
 * The step registered under `name` in this process (by a module that called `func()`, e.g. a
 * loaded code package).
 *
 * @throws {@link StepDefinitionError} when no step has that name, or when more than one does (two
 *   modules, or one module defining it twice), naming where each was defined.
 * @example
 * ```ts
 * require("./package/entry.js");           // defines its steps with func()
 * const train = stepByName("train");
 * const model = await train(data, 0.1);
 * ```
 */
export function stepByName(name: string): Step<unknown[], unknown> {
  const byModule = registry().steps.get(name);
  const definitions = byModule ? [...byModule.values()].flat() : [];
  if (definitions.length === 1) return definitions[0]!.step as unknown as Step<unknown[], unknown>;
  if (definitions.length === 0) {
    const known = [...registry().steps.keys()].sort();
    throw new StepDefinitionError(
      `no step named "${name}" is defined in this process: load the module or package that ` +
        `defines it with func() first (defined here: ${known.length ? known.join(", ") : "none"})`,
    );
  }
  throw new StepDefinitionError(
    `${definitions.length} different steps are named "${name}" (defined at ` +
      `${definitions.map((d) => d.site).join(" and ")}): give each step its own name, ` +
      "with the function's name or func({ name }, fn)",
  );
}

/** @internal Names of the registered steps (for tests and error messages). */
export function registeredStepNames(): string[] {
  return [...registry().steps.keys()].sort();
}

/**
 * @internal The registered steps that declare resources, with what they ask for: validated against
 * an executor before a cloud run starts, so an impossible request fails before anything runs.
 */
export function stepsWithResources(): Array<{
  name: string;
  resources: NonNullable<Step<never[], unknown>["spec"]["options"]["resources"]>;
}> {
  const out: Array<{
    name: string;
    resources: NonNullable<AnyStep["spec"]["options"]["resources"]>;
  }> = [];
  for (const [name, byModule] of registry().steps) {
    for (const definitions of byModule.values()) {
      for (const { step } of definitions) {
        const resources = step.spec.options.resources;
        if (resources && Object.values(resources).some((v) => v !== undefined)) {
          out.push({ name, resources: { ...resources } });
        }
      }
    }
  }
  return out;
}
