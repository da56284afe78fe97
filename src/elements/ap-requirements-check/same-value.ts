/**
 * Structural equality for configuration values: plain objects and arrays are compared member by
 * member; URLs by their `href`, Dates by their time, functions by their source text (an inline
 * `generateCode: () => '1234'` is a new function on every render of the same code); everything else
 * (class instances such as MediaDevices or a PairingTransport, streams) by identity, and numbers
 * with `Object.is` semantics except that `0 === -0`. Used so that assigning an equal new `settings`
 * object (React's inline `settings={{…}}`) restarts nothing: a value that differed on every render
 * restarted the checks on every render, for ever (new-user trial: an inline `new URL()`).
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a === 'function' && typeof b === 'function') return String(a) === String(b);
  if (a instanceof URL && b instanceof URL) return a.href === b.href;
  if (a instanceof Date && b instanceof Date) return Object.is(a.getTime(), b.getTime());
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => sameValue(x, b[i]));
  }
  if (!isPlain(a) || !isPlain(b)) return false;
  // an undefined member is the same as a missing one ({deviceId: undefined} equals {})
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!sameValue(a[k], b[k])) return false;
  return true;
}

function isPlain(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}
