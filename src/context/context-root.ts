import { ContextRoot } from '@lit/context';

const KEY = Symbol.for('proctor-elements.context-root');

/**
 * Answers context requests made before their provider was upgraded: a badge defined (or parsed)
 * before the `<ap-requirements-check>` around it would otherwise never get the session. Attached
 * once per document by the registering modules.
 */
export function ensureContextRoot(): void {
  const root = globalThis as typeof globalThis & { [KEY]?: boolean };
  if (root[KEY] || typeof document === 'undefined') return;
  root[KEY] = true;
  new ContextRoot().attach(document.documentElement);
}
