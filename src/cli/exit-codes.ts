/** The CLI's exit codes (docs/cli.md#exit-codes). */
export const EXIT_OK = 0;
/** A failure: no adapter, a device limit, a lost device, an unwritable file, or a bug. */
export const EXIT_FAILURE = 1;
/** Bad input: unknown command, option, preset or key, malformed JSON, an invalid value. */
export const EXIT_BAD_INPUT = 2;
/** Interrupted by SIGINT (128 + 2, the shell convention); the results recorded so far are written. */
export const EXIT_INTERRUPTED = 130;
/** Terminated by SIGTERM (128 + 15); as after SIGINT, the results recorded so far are written. */
export const EXIT_TERMINATED = 143;
