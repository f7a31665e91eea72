/** Errors the command line reports as one line on stderr (no stack): the user can act on them. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }

  static usage(message: string): CliError {
    return new CliError(`${message}\nRun \`tsematic help\` for usage.`, 2);
  }
}
