// The one request target the proxy forwards: origin-form "/v1/scan" with an optional query.
// Absolute-form ("http://host/v1/scan"), scheme-relative ("//host/...") or any other path
// would let a client pick the host the proxy talks to (SSRF), so they are refused.
export type TargetResult = { ok: true; url: URL } | { ok: false; message: string };

const SCAN_PATH = '/v1/scan';

export function upstreamUrl(base: URL, requestTarget: string): TargetResult {
  const query = requestTarget.startsWith(`${SCAN_PATH}?`) ? requestTarget.slice(SCAN_PATH.length) : requestTarget === SCAN_PATH ? '' : null;
  if (query === null) return { ok: false, message: `the request target must be ${SCAN_PATH}[?query]` };
  // Built from the configured origin only: the client's text never reaches the host part.
  const url = new URL(base.origin);
  url.pathname = SCAN_PATH;
  url.search = query;
  if (url.origin !== base.origin) return { ok: false, message: `the request target must be ${SCAN_PATH}[?query]` };
  return { ok: true, url };
}

/** The configured upstream: plain http(s) with a host, nothing else. */
export function checkUpstreamBase(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The text is not echoed: it may hold credentials.
    throw new Error('--proxy: not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--proxy: only http and https upstreams, not ${url.protocol}`);
  return url;
}
