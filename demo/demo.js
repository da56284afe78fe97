// The demo page uses the built package exactly as an integrator would: the CDN file defines the
// tags and exports the API.
import { STATUS_KINDS, allStatuses } from '/dist/cdn/proctor-elements.js';

const checks = document.getElementById('checks');
// ?checks=microphone,webcam picks the checks (the end-to-end test leaves out the speaker check,
// which needs a person to hear the digits)
const only = new URLSearchParams(location.search).get('checks');
if (only) checks.setAttribute('checks', only);
const sessionBadge = document.getElementById('session-status');
let checksSummary;
checks.addEventListener('ap-checks-complete', (event) => {
  checksSummary = event.detail;
  sessionBadge.status = 'after_check_req';
  document.getElementById('checks-result').textContent = event.detail.passed
    ? 'Your setup is ready for the exam.'
    : 'Some checks did not pass: fix them and use "Try again".';
});

// The monitored exam: reuses the camera and screen the checks opened.
const monitor = document.getElementById('monitor');
const startButton = document.getElementById('start-exam');
const exam = document.getElementById('exam');
const evidenceList = document.getElementById('evidence');
const result = document.getElementById('result');
// An integrator's backend hands out the attempt id and its HMAC; the demo server plays that part.
const credentials = fetch('/demo/credentials').then((r) => r.json());
monitor.addEventListener('ap-status-change', (e) => (sessionBadge.status = e.detail.status));
// a violation is announced when it begins and sent again (same id) when it ends: one line per record
const shown = new Map();
monitor.addEventListener('ap-evidence', (e) => {
  const r = e.detail;
  let li = shown.get(r.id);
  if (!li) shown.set(r.id, (li = evidenceList.appendChild(document.createElement('li'))));
  li.textContent = `${new Date(r.startedAt).toLocaleTimeString()} — ${r.code} ${r.type}${r.durationMs ? ` (${Math.round(r.durationMs / 1000)} s)` : ''}`;
});
monitor.addEventListener('ap-error', (e) => (result.textContent = `${e.detail.code}: ${e.detail.message}`));
startButton.addEventListener('click', async () => {
  startButton.disabled = true;
  try {
    const { clientId, testAttemptId, hashedTestAttemptId } = await credentials;
    Object.assign(monitor, { clientId, testAttemptId, hashedTestAttemptId });
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
      checks: checksSummary,
    });
    await monitor.start();
    exam.hidden = false;
    startButton.hidden = true;
  } catch {
    startButton.disabled = false;
  }
});
exam.addEventListener('submit', async (event) => {
  event.preventDefault();
  exam.querySelectorAll('input, button').forEach((x) => (x.disabled = true));
  const { trustScore, delivery } = await monitor.stop();
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
