// Events per second over the last minute, in one-second slots (cheap enough to call per event).
const SLOTS = 60;

export class RateMeter {
  private readonly counts = new Float64Array(SLOTS);
  private readonly seconds = new Float64Array(SLOTS).fill(-1);

  constructor(private readonly now: () => number = Date.now) {}

  mark(n = 1): void {
    const second = Math.floor(this.now() / 1000);
    const slot = second % SLOTS;
    if (this.seconds[slot] !== second) {
      this.seconds[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] += n;
  }

  /** Mean rate over the last full minute (the current second excluded: it is still filling). */
  perSecond(): number {
    const current = Math.floor(this.now() / 1000);
    let sum = 0;
    for (let i = 0; i < SLOTS; i++) {
      const age = current - this.seconds[i];
      if (age >= 1 && age <= SLOTS) sum += this.counts[i];
    }
    return sum / SLOTS;
  }
}
