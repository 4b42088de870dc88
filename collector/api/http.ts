// The API's typed error and its body: every refusal is {error: {code, message, reasons?}}.

/** An error the client caused or should know about: it becomes the response, never a crash. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly reasons: string[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(error: ApiError) {
  return { error: { code: error.code, message: error.message, ...(error.reasons.length ? { reasons: error.reasons } : {}) } };
}
