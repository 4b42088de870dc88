// Event ids: a random prefix per process and a counter. Unique across agents and restarts
// (the prefix) and cheap to make (no randomness per event), which matters on the scan path.
import { randomBytes } from 'node:crypto';

export class EventIds {
  private readonly prefix: string;
  private count = 0;

  constructor(prefix: string = randomBytes(8).toString('hex')) {
    this.prefix = prefix;
  }

  next(): string {
    return `${this.prefix}-${(this.count++).toString(36)}`;
  }
}
