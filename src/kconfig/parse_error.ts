/** Why a Kconfig tree could not be parsed, and where (e.g. `drivers/vfio/Kconfig`, line 12). */
export interface KconfigParseError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** The `file:line: message` form the kernel's own Kconfig tools print. */
export function formatParseError(error: KconfigParseError): string {
  return `${error.file}:${error.line}: ${error.message}`;
}
