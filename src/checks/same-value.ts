/**
 * Structural equality for configuration values: plain objects and arrays are compared member by
 * member; everything else (functions, class instances such as MediaDevices or a PairingTransport,
 * streams) by identity, and numbers with `Object.is` semantics except that `0 === -0`. Used so that
 * assigning an equal new `settings` object (React's inline `settings={{…}}`) restarts nothing.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
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
