// Webhook URLs carry their token in the path or query (Slack: /services/T000/B000/XXXX), so
// anything that may reach a log shows the origin only.

export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/[redacted]`;
  } catch {
    return '[redacted url]';
  }
}

/** Removes every occurrence of the given secrets from a message. */
export function scrub(message: string, secrets: readonly (string | undefined)[]): string {
  let out = message;
  for (const secret of secrets) if (secret) out = out.split(secret).join('[redacted]');
  return out;
}
