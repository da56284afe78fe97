// Type test (tsc -p test/types): the AutoProctor drop-in's window events are in WindowEventMap, so
// a TypeScript integrator's listeners get typed `detail`s. Compiled by `npm run typecheck`.
import type {} from '../../src/index.js';

window.addEventListener('apErrorEvent', (e) => {
  const code: number = e.detail.errorCode;
  const message: string = e.detail.errorMessage;
  void [code, message];
});
window.addEventListener('apEvidenceEvent', (e) => {
  const phase: 'begin' | 'end' | 'moment' = e.detail.phase;
  const evidenceCode: number = e.detail.evidenceCode;
  void [phase, evidenceCode];
});
window.addEventListener('apMonitoringStopped', (e) => {
  const score: number = e.detail.trustScore;
  void score;
});
window.addEventListener('apMonitoringStarted', (e) => {
  const resumed: boolean = e.detail.resumed;
  void resumed;
});
window.addEventListener('apSuccessEvent', (e) => void e.detail.successCode.toFixed());
window.addEventListener('apProgressUpdate', (e) => void e.detail.progress.toFixed());
window.addEventListener('apSetupCompleted', (e) => void e.detail.testAttemptId.toUpperCase());
window.addEventListener('apInstanceDestroyed', (e) => void e.detail.testAttemptId.toUpperCase());
// @ts-expect-error: no such field (an untyped detail would accept it)
window.addEventListener('apErrorEvent', (e) => void e.detail.nonexistent);
