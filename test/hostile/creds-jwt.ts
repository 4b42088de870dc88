// Test helper: a throwaway NATS operator, account and user signed as JWTs with NKeys, for a
// nats-server in operator mode (the only mode that takes .creds files). Not a test file itself.
import { createHash } from 'node:crypto';
import { nkeys } from 'nats';

const b64url = (data: Uint8Array | string): string => Buffer.from(data).toString('base64url');

function sign(claims: Record<string, unknown>, issuer: ReturnType<typeof nkeys.createOperator>): string {
  const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'ed25519-nkey' }));
  const body = { ...claims, iat: Math.floor(Date.now() / 1000), iss: issuer.getPublicKey() };
  const jti = createHash('sha256').update(JSON.stringify(body)).digest('base64url').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 52);
  const payload = b64url(JSON.stringify({ jti, ...body }));
  const signature = b64url(issuer.sign(new TextEncoder().encode(`${header}.${payload}`)));
  return `${header}.${payload}.${signature}`;
}

export interface Operator {
  /** nats-server config text: operator, memory resolver, the account preloaded. */
  serverConfig(listen: string): string;
  /** A .creds file's text for a user of the account with these permissions. */
  userCreds(name: string, permissions: { pub: string[]; sub: string[] }): string;
}

export function makeOperator(): Operator {
  const operator = nkeys.createOperator();
  const account = nkeys.createAccount();
  const operatorJwt = sign({ sub: operator.getPublicKey(), name: 'starwatch-test', nats: { type: 'operator', version: 2 } }, operator);
  const limits = { subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, conn: -1, leaf: -1 };
  const accountJwt = sign({ sub: account.getPublicKey(), name: 'STARWATCH', nats: { type: 'account', version: 2, limits } }, operator);
  return {
    serverConfig: (listen) => `listen: ${listen}\noperator: ${operatorJwt}\nresolver: MEMORY\nresolver_preload: {\n  ${account.getPublicKey()}: ${accountJwt}\n}\n`,
    userCreds(name, permissions) {
      const user = nkeys.createUser();
      const jwt = sign(
        { sub: user.getPublicKey(), name, nats: { type: 'user', version: 2, pub: { allow: permissions.pub }, sub: { allow: permissions.sub }, subs: -1, data: -1, payload: -1 } },
        account,
      );
      const seed = new TextDecoder().decode(user.getSeed());
      return `-----BEGIN NATS USER JWT-----\n${jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n${seed}\n------END USER NKEY SEED------\n`;
    },
  };
}
