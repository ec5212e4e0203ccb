// node:os for the page: the thread pool sizes itself by the cores the browser says it has.

export function availableParallelism(): number {
  return Math.max(1, navigator.hardwareConcurrency || 1);
}
