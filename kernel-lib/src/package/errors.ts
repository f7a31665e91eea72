/** The error of a code package that cannot be made: it names the file, cell and name at fault. */
import { TsematicError } from "../errors";

/**
 * A script or notebook could not be packaged. The message names what was wrong (the cell, as its
 * 1-based position in the notebook counting markdown cells too, and the name) and what to do.
 */
export class PackagingError extends TsematicError {}

/**
 * Loads a packaging tool (esbuild, typescript) on first use, so that importing `tsematic` never
 * does; a missing one is a {@link PackagingError} that says how to install it.
 */
export async function loadTool<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if ((err as { code?: unknown }).code !== "MODULE_NOT_FOUND") throw err;
    throw new PackagingError(
      `packaging needs the ${name} package, which is not installed where tsematic is: run \`npm install --save-dev ${name}\` in the project`,
      { cause: err },
    );
  }
}
