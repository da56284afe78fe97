// Type test (tsc -p test/types/define-only): a page that imports only `proctor-elements/define.js`
// (no named import) still gets the AutoProctor window events typed, apLibReady and
// apLibLoadingFailed included. Its own program, so nothing else brings the declarations in.
import '../../../src/define.js';

window.addEventListener('apLibLoadingFailed', (e) => {
  const code: number = e.detail.statusDetails.errorCode;
  const message: string = e.detail.statusDetails.errorMessage;
  void [code, message];
});
window.addEventListener('apLibReady', (e) => void e.detail.assetBase.toUpperCase());
window.addEventListener('apMonitoringStopped', (e) => void e.detail.trustScore.toFixed());
// @ts-expect-error: no such field (an untyped detail would accept it)
window.addEventListener('apLibLoadingFailed', (e) => void e.detail.statusDetails.nonexistent);
