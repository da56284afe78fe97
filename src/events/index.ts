export { ApCheckChangeEvent } from './ap-check-change.js';
export { ApChecksCompleteEvent } from './ap-checks-complete.js';
export { ApErrorEvent } from './ap-error.js';
