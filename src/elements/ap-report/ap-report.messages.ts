/**
 * The report's English messages, kept in `<ap-report>`'s own folder so the classic script
 * (`dist/cdn/autoproctor.js`, 60 KB gzip budget) does not carry them: its lazy part does.
 * `setMessages({ report: {…} })` replaces some of them (`messages().report`).
 */
import { messages, type ReportMessages } from '../../messages.js';

const ENGLISH: ReportMessages = {
  heading: 'Proctoring report',
  attempt: 'Attempt',
  candidate: 'Candidate',
  trustScore: 'Trust Score',
  notScored: 'Not scored yet',
  needsReview: 'Needs review',
  noReviewNeeded: 'No review needed',
  counts: 'Evidence by type',
  type: 'Type',
  count: 'Count',
  timeline: 'Timeline',
  noEvidence: 'Nothing was recorded.',
  showPhoto: 'Photo',
  photoAlt: (label, time) => `Photo: ${label} at ${time}`,
  photoKinds: {
    test_taker: 'Photo at the start',
    switched_tab: 'Screen of the tab switched to',
    random: 'Random photo',
  },
  photoPending: 'photo not received yet',
  photoUnavailable: 'The photo could not be loaded.',
  loading: 'Loading the report…',
  photoLoading: 'Loading the photo…',
  notFound: (attemptId) => `No report for attempt "${attemptId}": this device does not hold it.`,
  ongoing: 'still going on',
  seconds: (s) => `${s} s`,
  sourceDevice: 'Recorded on this device',
  sourceServer: 'From the results server',
  evidenceLabels: {
    no_face: 'No face in view',
    multiple_people: 'More than one person in view',
    random_photo: 'Photo',
    audio_above_background: 'Sound above the background level',
    tab_switch: 'Left the exam page',
    returned_to_test: 'Returned to the exam page',
    multiple_monitors: 'More than one monitor connected',
    multiple_monitors_suspected: 'More than one monitor suspected',
    fullscreen_exit: 'Left full screen',
    camera_lost: 'Camera stopped',
    microphone_lost: 'Microphone stopped',
    screen_share_lost: 'Screen sharing stopped',
    second_camera_lost: 'Second camera stopped',
    camera_frozen: 'Camera picture frozen',
    copy_paste: 'Copy, cut or paste blocked',
    detection_limited: 'A detector could not run in this browser',
    talking: 'Someone talking',
  },
};

/** The report's messages in force: the page's `setMessages()` overrides over the English. */
export function reportMessages(): ReportMessages {
  const over = messages().report;
  return {
    ...ENGLISH,
    ...over,
    photoKinds: { ...ENGLISH.photoKinds, ...over.photoKinds },
    evidenceLabels: { ...ENGLISH.evidenceLabels, ...over.evidenceLabels },
  };
}
