/**
 * Startup errors of the server's entry (main.ts): a setting the server cannot run with, named with
 * what it allows. main.ts prints it as one JSON log line (no stack trace) and exits with status 1.
 */
export class SettingError extends Error {
  constructor(
    /** The environment variable, e.g. `PORT`. */
    readonly variable: string,
    message: string,
  ) {
    super(message);
  }
}

/** `value` as shown in a startup error: quoted, at most 100 characters, control characters escaped. */
export const shown = (value: string) => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
