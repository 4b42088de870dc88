// The live feed from the browser: connect with the token, subscribe, reconnect with backoff.
// Protocol: collector/live/PROTOCOL.md.

const UNAUTHORIZED = 4401;

/**
 * @param {{url: string, topics: string[], onMessage: (m: any) => void,
 *          onStatus: (state: string, detail?: string) => void}} options
 * @returns {{close: () => void}}
 */
export function connectFeed({ url, topics, onMessage, onStatus }) {
  let delay = 1000;
  let stopped = false;
  let ws;

  const open = () => {
    onStatus('connecting');
    ws = new WebSocket(url);
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.type === 'hello') {
        delay = 1000;
        onStatus('live');
        ws.send(JSON.stringify({ v: 1, type: 'subscribe', topics }));
      }
      onMessage(m);
    };
    ws.onclose = (e) => {
      if (stopped) return;
      if (e.code === UNAUTHORIZED) {
        stopped = true;
        onStatus('unauthorized', e.reason);
        return;
      }
      onStatus('retrying', e.reason || `closed (${e.code})`);
      setTimeout(open, delay);
      delay = Math.min(delay * 2, 15000);
    };
  };
  open();
  return {
    close() {
      stopped = true;
      ws?.close(1000);
    },
  };
}
