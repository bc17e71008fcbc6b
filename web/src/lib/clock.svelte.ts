// A reactive "now" that ticks once a second, for relative times and highlight expiry.
export class Clock {
  #now = $state(0);
  constructor(private readonly read: () => number = () => Date.now()) {
    this.#now = read();
    setInterval(() => (this.#now = this.read()), 1000);
  }
  get now() {
    return this.#now;
  }
}
