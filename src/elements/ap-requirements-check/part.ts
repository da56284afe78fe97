/**
 * The setup checks as one part: `<ap-requirements-check>` and the check services it runs
 * (`RequirementsRunner`, `SpeakerCheck`, `runMicrophoneCheck()`, `runBandwidthCheck()`,
 * `runWebcamCheck()`, `runMobileCheck()`). The classic script (`dist/cdn/autoproctor.js`), whose
 * exam pages proctor rather than check, loads this from its asset base the first time it is needed
 * (`checks/ap-requirements-check.mjs`, src/checks/load-element.ts); the module builds bundle it.
 * The screen-share check stays in the script: monitoring asks for the screen with it.
 */
import { ApRequirementsCheck } from './ap-requirements-check.js';
import { runBandwidthCheck } from '../../checks/bandwidth.js';
import { runMicrophoneCheck } from '../../checks/microphone.js';
import { runMobileCheck } from '../../checks/mobile.js';
import { RequirementsRunner } from '../../checks/runner.js';
import { SpeakerCheck } from '../../checks/speakers.js';
import { runWebcamCheck } from '../../checks/webcam.js';

export {
  ApRequirementsCheck,
  RequirementsRunner,
  SpeakerCheck,
  runBandwidthCheck,
  runMicrophoneCheck,
  runMobileCheck,
  runWebcamCheck,
};
