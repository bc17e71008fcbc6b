// Coalesces bursts (socket updates) into at most one call per `ms`, always delivering the last.
export function throttle(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const run = () => {
    timer = undefined;
    last = performance.now();
    fn();
  };
  const call = () => {
    if (timer) return;
    const wait = Math.max(0, ms - (performance.now() - last));
    timer = setTimeout(run, wait);
  };
  call.cancel = () => timer && clearTimeout(timer);
  return call;
}
