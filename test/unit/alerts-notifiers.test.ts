import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { WebhookNotifier } from '../../collector/alerts/webhook-notifier.ts';
import { NatsNotifier } from '../../collector/alerts/nats-notifier.ts';
import { EmailNotifier } from '../../collector/alerts/email-notifier.ts';
import { AlertDispatcher } from '../../collector/alerts/dispatcher.ts';
import { NotifyError, toNotification, type AlertNotification } from '../../collector/alerts/notification.ts';
import { AlertStateMachine } from '../../collector/alerts/state-machine.ts';
import { ALERTS_SUBJECT } from '../../schemas/subjects.ts';

const TOKEN = 'T0SECRET/B0SECRET/xoxSECRETTOKEN';

function firingNotification(): AlertNotification {
  const sm = new AlertStateMachine();
  const [t] = sm.evaluate(
    [{ ruleId: 'fpr_above_target', key: 'overall', active: true, severity: 'critical', forMs: 0, value: 0.0008, threshold: 0.0005, summary: 'FPR 0.080% > 0.050%' }],
    Date.UTC(2025, 0, 1),
  );
  const n = toNotification(t);
  assert.ok(n);
  return n;
}

interface Received {
  path: string;
  body: string;
}

/** A real local HTTP server; `answer` decides each response (by request number). */
async function webhookServer(answer: (n: number, res: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body });
      answer(received.length, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/services/${TOKEN}`, received };
}

test('webhook: posts Slack-compatible JSON to a real HTTP server', async () => {
  const { url, received } = await webhookServer((_, res) => res.end('ok'));
  await new WebhookNotifier({ url }).notify(firingNotification());
  assert.equal(received.length, 1);
  assert.equal(received[0].path, `/services/${TOKEN}`);
  const body = JSON.parse(received[0].body);
  assert.equal(body.text, '[FIRING] critical fpr_above_target overall: FPR 0.080% > 0.050%');
  assert.equal(body.attachments[0].color, '#d00000');
  assert.ok(!received[0].body.includes('SECRET'), 'the token is not echoed into the payload');
});

test('webhook: retries 503 then succeeds (bounded: 3 tries)', async () => {
  const { url, received } = await webhookServer((n, res) => {
    res.statusCode = n < 3 ? 503 : 200;
    res.end();
  });
  await new WebhookNotifier({ url, retries: 2, retryDelayMs: 10 }).notify(firingNotification());
  assert.equal(received.length, 3);
});

test('webhook: gives up after the retries with a typed error that hides the token', async () => {
  const { url, received } = await webhookServer((_, res) => {
    res.statusCode = 500;
    res.end();
  });
  await assert.rejects(new WebhookNotifier({ url, retries: 2, retryDelayMs: 5 }).notify(firingNotification()), (e: unknown) => {
    assert.ok(e instanceof NotifyError);
    assert.equal(e.code, 'webhook_rejected');
    assert.match(e.message, /HTTP 500/);
    assert.ok(!e.message.includes('SECRET'), `token leaked: ${e.message}`);
    return true;
  });
  assert.equal(received.length, 3, 'first try + 2 retries, no more');
});

test('webhook: a 400 is final (no retry)', async () => {
  const { url, received } = await webhookServer((_, res) => {
    res.statusCode = 400;
    res.end();
  });
  await assert.rejects(new WebhookNotifier({ url, retries: 3, retryDelayMs: 5 }).notify(firingNotification()), NotifyError);
  assert.equal(received.length, 1);
});

test('webhook: a server that never answers times out per try', async () => {
  const { url, received } = await webhookServer(() => undefined);
  await assert.rejects(new WebhookNotifier({ url, timeoutMs: 100, retries: 1, retryDelayMs: 5 }).notify(firingNotification()), (e: unknown) => {
    assert.ok(e instanceof NotifyError && e.code === 'webhook_timeout', String(e));
    assert.ok(!e.message.includes('SECRET'));
    return true;
  });
  assert.equal(received.length, 2);
});

test('webhook: an unreachable host is a typed error without the token', async () => {
  const { url } = await webhookServer((_, res) => res.end());
  const closedPort = url.replace(/:\d+\//, ':1/');
  await assert.rejects(new WebhookNotifier({ url: closedPort, retries: 0 }).notify(firingNotification()), (e: unknown) => {
    assert.ok(e instanceof NotifyError && e.code === 'webhook_unreachable', String(e));
    assert.ok(!e.message.includes('SECRET'));
    return true;
  });
});

test('nats notifier: publishes the notification JSON on starwatch.v1.alerts', async () => {
  const published: { subject: string; data: Uint8Array }[] = [];
  await new NatsNotifier((subject, data) => void published.push({ subject, data })).notify(firingNotification());
  assert.equal(published.length, 1);
  assert.equal(published[0].subject, ALERTS_SUBJECT);
  const n = JSON.parse(new TextDecoder().decode(published[0].data));
  assert.equal(n.status, 'firing');
  assert.equal(n.rule, 'fpr_above_target');
  await assert.rejects(
    new NatsNotifier(() => Promise.reject(new Error('connection closed'))).notify(firingNotification()),
    (e: unknown) => e instanceof NotifyError && e.code === 'nats_publish_failed',
  );
});

/** A minimal real SMTP server: enough of RFC 5321 for one mail, with AUTH PLAIN. */
async function smtpServer(acceptPassword: string): Promise<{ port: number; mails: string[]; lines: string[] }> {
  const mails: string[] = [];
  const lines: string[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    let buffer = '';
    let inData = false;
    let mail = '';
    socket.write('220 localhost ESMTP test\r\n');
    socket.on('data', (chunk) => {
      buffer += chunk.toString('utf8');
      let i: number;
      while ((i = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            mails.push(mail);
            socket.write('250 OK queued\r\n');
          } else mail += `${line}\n`;
          continue;
        }
        lines.push(line);
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO') socket.write('250-localhost\r\n250 AUTH PLAIN\r\n');
        else if (verb === 'AUTH') {
          const [, user, pass] = Buffer.from(line.split(' ')[2] ?? '', 'base64').toString('utf8').split('\u0000');
          socket.write(pass === acceptPassword && user === 'alerts' ? '235 OK\r\n' : '535 authentication failed\r\n');
        } else if (verb === 'DATA') {
          inData = true;
          mail = '';
          socket.write('354 go on\r\n');
        } else if (verb === 'QUIT') socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return { port: (server.address() as AddressInfo).port, mails, lines };
}

test('email: sends the alert through a real local SMTP server with AUTH', async () => {
  const smtp = await smtpServer('hunter2-secret');
  const notifier = await EmailNotifier.create({ host: '127.0.0.1', port: smtp.port, secure: false, allowPlain: true, user: 'alerts', password: 'hunter2-secret', from: 'starwatch@example.test', to: ['oncall@example.test'], timeoutMs: 2000 });
  await notifier.notify(firingNotification());
  assert.equal(smtp.mails.length, 1);
  assert.match(smtp.mails[0], /Subject: \[FIRING\] critical fpr_above_target overall/);
  assert.match(smtp.mails[0], /threshold: 0\.0005/);
});

test('email: a rejected password is a typed error that does not contain the password', async () => {
  const smtp = await smtpServer('right-password');
  const notifier = await EmailNotifier.create({ host: '127.0.0.1', port: smtp.port, secure: false, allowPlain: true, user: 'alerts', password: 'wrong-SECRET-pw', from: 'a@example.test', to: ['b@example.test'], timeoutMs: 2000 });
  await assert.rejects(notifier.notify(firingNotification()), (e: unknown) => {
    assert.ok(e instanceof NotifyError && e.code === 'email_failed', String(e));
    assert.ok(!e.message.includes('SECRET'), e.message);
    return true;
  });
  assert.equal(smtp.mails.length, 0);
});

test('dispatcher: only firing/resolved are sent; a failing notifier is counted and logged without secrets', async () => {
  const { url } = await webhookServer((_, res) => {
    res.statusCode = 500;
    res.end();
  });
  const published: string[] = [];
  const logs: string[] = [];
  const dispatcher = new AlertDispatcher(
    [new WebhookNotifier({ url, retries: 0 }), new NatsNotifier((_, d) => void published.push(new TextDecoder().decode(d)))],
    (line) => logs.push(line),
  );
  const sm = new AlertStateMachine();
  const cond = { ruleId: 'r', key: 'k', active: true, severity: 'warning' as const, forMs: 60_000, value: 1, threshold: 0, summary: 's' };
  assert.deepEqual(await dispatcher.dispatch(sm.evaluate([cond], 0)), [], 'pending is not sent');
  const sent = await dispatcher.dispatch(sm.evaluate([cond], 60_000));
  assert.equal(sent.length, 1);
  await dispatcher.dispatch(sm.evaluate([cond], 120_000)); // updated: not sent
  assert.equal(published.length, 1);
  assert.deepEqual(dispatcher.counts, { sent: 1, failed: 1 });
  assert.equal(logs.length, 1);
  assert.match(logs[0], /webhook http:\/\/127\.0\.0\.1:\d+\/\[redacted\].*HTTP 500/);
  assert.ok(!logs.join('\n').includes('SECRET'));
});
