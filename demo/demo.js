// The demo page uses the built package exactly as an integrator would: the CDN file defines the
// tags and exports the API.
import { STATUS_KINDS, allStatuses } from '/dist/cdn/proctor-elements.js';

const checks = document.getElementById('checks');
const sessionBadge = document.getElementById('session-status');
checks.addEventListener('ap-checks-complete', (event) => {
  sessionBadge.status = 'after_check_req';
  document.getElementById('checks-result').textContent = event.detail.passed
    ? 'Your setup is ready for the exam.'
    : 'Some checks did not pass: fix them and use "Try again".';
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
