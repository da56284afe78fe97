/**
 * `proctor-elements/vocabulary`: the package's shared vocabularies without any element, for
 * servers and other plain-JavaScript consumers (Node, Deno, workers). No DOM, no Lit: importing it
 * touches no browser global (a test in scripts/pack-check.mjs imports it in plain Node).
 *
 * - the four status vocabularies (session, exam, check, review) and their descriptions (statuses.ts);
 * - the evidence record and its codes (`EvidenceCode`, AutoProctor's numbering), and which types last
 *   (`DURATIONAL_TYPES`);
 * - the Trust Score (`computeTrustScore`, `REVIEW_THRESHOLD`).
 *
 * The reference results server (`proctor-elements-server`) imports these by package name, so the
 * server and the elements agree on every code and status.
 */
export * from './statuses.js';
export { DURATIONAL_TYPES, EvidenceCode } from './reporting/types.js';
export type { EvidenceRecord, EvidenceType, AttemptInfo, AttemptChecks, AttemptSummary } from './reporting/types.js';
export * from './monitoring/trust-score.js';
