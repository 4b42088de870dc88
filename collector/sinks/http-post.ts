// One POST on a kept-alive connection, with node:http(s), of a body given in parts. The write
// path sends megabytes a second: fetch() wanted one string and copied it twice more (a web
// stream and a Uint8Array clone); here the parts go to the socket as they are, in one writev.
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface PostResult {
  status: number;
  /** The answer's body, read only when it is not a 2xx (a success's body is discarded). */
  text: string;
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

export function postParts(url: URL, body: readonly Uint8Array[], headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const secure = url.protocol === 'https:';
  const request = secure ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: { ...headers, 'content-length': body.reduce((n, part) => n + part.length, 0) },
      timeout: timeoutMs,
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      // A connection lost mid-answer ends neither in 'end' nor in the request's 'error'.
      res.on('error', reject);
      res.on('close', () => res.complete || reject(new Error('the answer was cut off')));
      if (status >= 200 && status < 300) {
        res.resume();
        res.on('end', () => resolve({ status, text: '' }));
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status, text }));
    });
    req.cork();
    for (const part of body) req.write(part);
    req.end();
  });
}
