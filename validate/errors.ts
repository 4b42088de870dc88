// Typed errors of a validation run that stop it (bad dataset, bad baseline, bad options). Problems
// with single files are not errors of the run: they are counted per code in the results.

export type ValidateErrorCode =
  | 'DATASET_NOT_FOUND'
  | 'DATASET_EMPTY'
  | 'BAD_BASELINE'
  | 'BAD_OPTION';

export class ValidateError extends Error {
  override readonly name = 'ValidateError';
  constructor(
    readonly code: ValidateErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isValidateError(e: unknown): e is ValidateError {
  return e instanceof ValidateError;
}
