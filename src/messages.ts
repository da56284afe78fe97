/**
 * Every user-facing string of the library, in one place so integrators can translate or reword.
 * `setMessages()` merges a partial set over the English defaults; elements read `messages()` at
 * render time, so a change shows on their next render.
 */
import type { AnyStatus, StatusKind } from './statuses.js';

export interface Messages {
  unknownStatus: string;
  /** Badge labels keyed `kind:value`, e.g. `check:failed`. Missing keys fall back to English. */
  statusLabels: Partial<Record<`${StatusKind}:${AnyStatus}`, string>>;
  /** Status descriptions keyed like `statusLabels`. */
  statusDescriptions: Partial<Record<`${StatusKind}:${AnyStatus}`, string>>;
}

const DEFAULTS: Messages = {
  unknownStatus: 'Unknown status',
  statusLabels: {},
  statusDescriptions: {},
};

let current: Messages = DEFAULTS;

/** The messages in force. */
export function messages(): Messages {
  return current;
}

/** Overrides some messages (merged over the English defaults); `setMessages()` restores them. */
export function setMessages(partial: Partial<Messages> = {}): void {
  current = {
    ...DEFAULTS,
    ...partial,
    statusLabels: { ...DEFAULTS.statusLabels, ...partial.statusLabels },
    statusDescriptions: { ...DEFAULTS.statusDescriptions, ...partial.statusDescriptions },
  };
}
