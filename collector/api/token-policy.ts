// Refuses API tokens that would not keep anyone out: the placeholders shipped in examples
// (deploy/k8s/secret.yaml says change-me) and tokens short enough to guess.
export class WeakTokenError extends Error {
  readonly code = 'weak_token';
}

export const DEFAULT_MIN_TOKEN_LENGTH = 16;

const PLACEHOLDER = /change[-_ ]?me|changeit|placeholder|example|secret|password|^(token|test|admin|default|x+)$/i;

/** Throws WeakTokenError (never quoting the token) if `token` is a placeholder or shorter than `minLength`. */
export function checkTokenStrength(name: string, token: string, minLength = DEFAULT_MIN_TOKEN_LENGTH): void {
  if (PLACEHOLDER.test(token)) throw new WeakTokenError(`${name} is a placeholder; set a random one (openssl rand -hex 24)`);
  if (token.length < minLength) throw new WeakTokenError(`${name} is shorter than ${minLength} characters; set a random one (openssl rand -hex 24)`);
}
