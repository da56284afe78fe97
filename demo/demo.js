// The demo page uses the built package exactly as an integrator would: the CDN file defines the
// tags and exports the API.
import { STATUS_KINDS, allStatuses } from '/dist/cdn/proctor-elements.js';

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
