// The demo page uses the built package exactly as an integrator would: the CDN file defines the
// tags and exports the API.
import { STATUS_KINDS, allStatuses } from '/dist/cdn/proctor-elements.js';

const checks = document.getElementById('checks');
// ?checks=microphone,webcam picks the checks (the end-to-end test leaves out the speaker check,
// which needs a person to hear the digits)
const only = new URLSearchParams(location.search).get('checks');
if (only) checks.setAttribute('checks', only);
const sessionBadge = document.getElementById('session-status');
const monitor = document.getElementById('monitor');
const startButton = document.getElementById('start-exam');
const startHint = document.getElementById('start-hint');
const exam = document.getElementById('exam');
const evidenceList = document.getElementById('evidence');
const result = document.getElementById('result');

// An attempt in progress survives a reload: the same attempt id is resumed (the library closes what
// was open when the page went away), never a new attempt beside an old one left `exam_started`.
const STORED = 'proctor-elements-demo:attempt';
const stored = (() => {
  try {
    return JSON.parse(localStorage.getItem(STORED) ?? 'null');
  } catch {
    return null;
  }
})();
// An integrator's backend hands out the attempt id and its HMAC; the demo server plays that part.
const credentials = stored ? Promise.resolve(stored) : fetch('/demo/credentials').then((r) => r.json());

let checksSummary;
let examStarted = false;
/** The exam can start once every required check passed (or, after a reload, to continue the attempt). */
function gate(ready, hint) {
  startButton.disabled = !ready;
  startHint.textContent = hint;
}
if (stored) {
  startButton.textContent = 'Continue the exam';
  gate(true, 'Your exam is in progress: continue where you left off (what happened meanwhile is recorded).');
}
checks.addEventListener('ap-check-change', (event) => {
  if (examStarted || stored) return;
  if (event.detail.status === 'not_completed')
    gate(false, 'Run the checks above first: the exam starts once every required check passed.');
});
checks.addEventListener('ap-checks-complete', (event) => {
  if (examStarted || stored) return;
  checksSummary = event.detail;
  sessionBadge.status = 'after_check_req';
  if (event.detail.passed) gate(true, 'Your setup is ready for the exam.');
  else gate(false, 'A required check did not pass: fix it and use "Try again" above before you start the exam.');
});

// The monitored exam: reuses the camera and screen the checks opened.
monitor.addEventListener('ap-status-change', (e) => (sessionBadge.status = e.detail.status));
// a violation is announced when it begins and sent again (same id) when it ends: one line per record
const shown = new Map();
const camera = (r) =>
  r.type !== 'random_photo' ? '' : r.data?.camera === 'second' ? ' (phone camera)' : ' (laptop camera)';
monitor.addEventListener('ap-evidence', (e) => {
  const r = e.detail;
  let li = shown.get(r.id);
  if (!li) shown.set(r.id, (li = evidenceList.appendChild(document.createElement('li'))));
  document.getElementById('no-evidence').hidden = true;
  li.textContent = `${new Date(r.startedAt).toLocaleTimeString()} — ${r.code} ${r.type}${camera(r)}${r.durationMs ? ` (${Math.round(r.durationMs / 1000)} s)` : ''}`;
});
monitor.addEventListener('ap-error', (e) => (result.textContent = `${e.detail.code}: ${e.detail.message}`));
startButton.addEventListener('click', async () => {
  startButton.disabled = true;
  try {
    const creds = await credentials;
    Object.assign(monitor, creds);
    await monitor.setup({
      endpoint: location.origin,
      trackingOptions: {
        numHumans: true,
        audio: true,
        tabSwitch: true,
        detectMultipleScreens: true,
        showCamPreview: true,
        photosAtRandom: true,
        // the phone paired by the mobile check, if it succeeded
        auxiliaryDevice: !!checks.secondCamera,
      },
      secondCamera: checks.secondCamera,
      // a short demo: its routine photos fall in the first two minutes
      tuning: { examDurationMs: 120_000 },
      streams: { camera: checks.cameraStream, screen: checks.screenStream },
      // the results server records each check's status with the attempt
      ...(checksSummary ? { checks: checksSummary } : {}),
    });
    await monitor.start();
    examStarted = true;
    localStorage.setItem(STORED, JSON.stringify(creds));
    exam.hidden = false;
    startButton.closest('.start').hidden = true;
  } catch {
    startButton.disabled = false;
  }
});
exam.addEventListener('submit', async (event) => {
  event.preventDefault();
  exam.querySelectorAll('input, button').forEach((x) => (x.disabled = true));
  const { trustScore, delivery } = await monitor.stop();
  localStorage.removeItem(STORED);
  exam.hidden = true;
  const verdict = `Trust Score ${trustScore}/100 on this device (${trustScore < 85 ? 'needs review' : 'no review needed'}; the results server decides)`;
  // only what the server acknowledged is called sent
  const sent = (d) =>
    d.pending === 0
      ? `all ${d.recordsDelivered} evidence record(s) and ${d.photosDelivered} photo(s) sent.`
      : `${d.recordsDelivered} of ${d.records} record(s) and ${d.photosDelivered} of ${d.photos} photo(s) sent; ${d.pending} item(s) saved on this device: keep this page open or come back online.`;
  result.textContent = `Exam finished. ${verdict}; ${sent(delivery)}`;
  if (!delivery.done)
    monitor.addEventListener('ap-delivery-change', (e) => {
      result.textContent = `Exam finished. ${verdict}; ${sent(e.detail)}`;
    });
});

const host = document.getElementById('vocabularies');
for (const kind of STATUS_KINDS) {
  const section = document.createElement('section');
  const h = document.createElement('h3');
  h.textContent = `${kind[0].toUpperCase()}${kind.slice(1)} statuses`;
  const list = document.createElement('ul');
  for (const s of allStatuses().filter((x) => x.kind === kind)) {
    const li = document.createElement('li');
    const badge = document.createElement('ap-status-badge');
    badge.setAttribute('status', s.value);
    badge.setAttribute('kind', kind);
    const code = document.createElement('code');
    code.textContent = s.value;
    li.append(badge, ' ', code);
    list.append(li);
  }
  section.append(h, list);
  host.append(section);
}
