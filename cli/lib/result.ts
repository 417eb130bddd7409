// What a command returns: the data (printed as one JSON document with --json) and its text form.
export interface CommandResult<T = unknown> {
  data: T;
  text: string;
  /** Exit status for a result that is not an error but not a success either (rarely used). */
  exitCode?: number;
}

export const result = <T>(data: T, text: string): CommandResult<T> => ({ data, text });
