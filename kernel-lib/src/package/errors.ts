/** The error of a code package that cannot be made: it names the file, cell and name at fault. */
import { TsematicError } from "../errors";

/**
 * A script or notebook could not be packaged. The message names what was wrong (the cell, as its
 * 1-based position in the notebook counting markdown cells too, and the name) and what to do.
 */
export class PackagingError extends TsematicError {}
