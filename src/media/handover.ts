/**
 * Devices handed from the requirements check to a running monitor. While a monitor holds a stream
 * (or the paired phone), whoever handed it over must neither stop it nor run a check that would
 * replace it: `<ap-requirements-check>` locks its checks while anything it kept is held, and drops
 * what the monitor released (stopped) when the exam ends. Framework-free; one registry per page.
 */

const holders = new Map<object, readonly object[]>();
const heldBy = new WeakMap<object, object>();

/** Fires `change` whenever a holder takes or releases devices. */
export const handovers = new EventTarget();

/** `holder` (a monitor) now uses `items` (streams, the phone's receiver); undefined entries are ignored. */
export function hold(holder: object, items: readonly (object | undefined)[]): void {
  release(holder, false);
  const kept = items.filter((x): x is object => !!x);
  holders.set(holder, kept);
  for (const item of kept) heldBy.set(item, holder);
  handovers.dispatchEvent(new Event('change'));
}

/**
 * `holder` no longer uses what it held (it stopped or released it). Listeners hear of it even when
 * nothing was held any more: what was released earlier may have been stopped or closed since.
 */
export function release(holder: object, notify = true): void {
  const items = holders.get(holder) ?? [];
  holders.delete(holder);
  for (const item of items) if (heldBy.get(item) === holder) heldBy.delete(item);
  if (notify) handovers.dispatchEvent(new Event('change'));
}

/** Whether a monitor holds `item` now. */
export function isHeld(item: object | undefined): boolean {
  return !!item && heldBy.has(item);
}
