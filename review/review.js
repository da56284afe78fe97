// The reviewer dashboard: plain DOM over the reporting API, with <ap-status-badge> for every
// status. The page that mounts it loads the package (which defines the badge). Everything the
// server returns is inserted as text, never as HTML.

const REVIEW_OPTIONS = [
  ['unreviewed', '00'],
  ['in_review', '01'],
  ['uncertain', '10'],
  ['is_reviewed_green', '000'],
  ['is_reviewed_yellow', '001'],
  ['is_reviewed_red', '010'],
  ['unreviewable', '011'],
];
const REVIEW_LABELS = {
  unreviewed: 'Not reviewed',
  in_review: 'In review',
  uncertain: 'Uncertain',
  is_reviewed_green: 'Reviewed: no issues (green)',
  is_reviewed_yellow: 'Reviewed: minor issues (yellow)',
  is_reviewed_red: 'Reviewed: violation (red)',
  unreviewable: 'Cannot be reviewed',
};
const TOKEN_KEY = 'proctor-elements.review-token';

/** Creates an element: h('p', {class: 'x', onclick}, 'text', child). Strings become text nodes. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return el;
}
const badge = (status, kind) => h('ap-status-badge', { status, kind });
const time = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const seconds = (ms) => (ms === null || ms === undefined ? '' : `${(ms / 1000).toFixed(1)} s`);

/**
 * Mounts the dashboard into `root`. `apiBase`: the results server's origin. `storage`: where the
 * token is kept for this tab (sessionStorage by default).
 */
export function mountReviewDashboard(root, { apiBase, storage = sessionStorage } = {}) {
  const state = { token: storage.getItem(TOKEN_KEY) ?? '', installSid: '', examSid: '', photoUrls: [] };
  const live = h('p', { role: 'status', 'aria-live': 'polite', class: 'live' });
  const view = h('div');
  root.replaceChildren(live, view);
  const announce = (text) => (live.textContent = text);

  async function api(path, { method = 'GET', body } = {}) {
    const res = await fetch(apiBase.replace(/\/$/, '') + path, {
      method,
      headers: { token: state.token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = res.headers.get('content-type')?.includes('json') ? await res.json() : undefined;
    if (!res.ok) {
      const error = new Error(data?.message ?? `HTTP ${res.status}`);
      error.code = data?.code ?? `http_${res.status}`;
      error.status = res.status;
      throw error;
    }
    return data;
  }
  const alertBox = (error) =>
    h('p', { role: 'alert' }, `Error${error.code ? ` (${error.code})` : ''}: ${error.message}`);
  function show(...children) {
    for (const url of state.photoUrls) URL.revokeObjectURL(url);
    state.photoUrls = [];
    view.replaceChildren(...children);
    view.querySelector('h2')?.focus();
  }
  const heading = (text) => h('h2', { tabindex: '-1' }, text);

  // --- sign in -------------------------------------------------------------------------------
  function signIn(error) {
    const input = h('input', { type: 'password', name: 'token', required: true, autocomplete: 'off' });
    const form = h(
      'form',
      {
        onsubmit: async (event) => {
          event.preventDefault();
          state.token = input.value.trim();
          await start();
        },
      },
      h('label', {}, 'API token', input),
      ' ',
      h('button', { type: 'submit' }, 'Sign in'),
    );
    show(
      heading('Sign in'),
      h('p', {}, 'Enter an API token of your install (npm start prints the demo token).'),
      error ? alertBox(error) : null,
      form,
    );
  }

  async function start() {
    if (!state.token) return signIn();
    try {
      const me = await api('/v1/me');
      state.installSid = me.installSid;
      storage.setItem(TOKEN_KEY, state.token);
      announce(`Signed in to ${me.name}.`);
      await sessions();
    } catch (error) {
      storage.removeItem(TOKEN_KEY);
      state.token = '';
      signIn(error);
    }
  }

  // --- sessions of an exam ---------------------------------------------------------------------
  async function sessions(url) {
    const { results: exams } = await api(`/v1/installs/${state.installSid}/exams`);
    state.examSid ||= exams[0]?.sid ?? '';
    const examSelect = h(
      'select',
      { name: 'exam' },
      exams.map((e) => h('option', { value: e.sid, selected: e.sid === state.examSid }, `${e.name} (${e.status})`)),
    );
    const reviewSelect = h(
      'select',
      { name: 'reviewStatus' },
      h('option', { value: '' }, 'Any'),
      REVIEW_OPTIONS.map(([value]) => h('option', { value }, REVIEW_LABELS[value])),
    );
    const table = h('div');
    const exam = exams.find((e) => e.sid === state.examSid);
    const load = async (pageUrl) => {
      const q = reviewSelect.value ? `&reviewStatus=${reviewSelect.value}` : '';
      const list = await api(
        pageUrl ?? `/v1/installs/${state.installSid}/exams/${state.examSid}/sessions?limit=20&sortOrder=DESC${q}`,
      );
      table.replaceChildren(sessionTable(list, load));
      announce(`${list.total} session${list.total === 1 ? '' : 's'}.`);
    };
    examSelect.addEventListener('change', () => {
      state.examSid = examSelect.value;
      void sessions();
    });
    reviewSelect.addEventListener('change', () => void load());
    show(
      heading('Sessions'),
      h(
        'div',
        { class: 'toolbar' },
        h('label', {}, 'Exam', examSelect),
        exam ? h('span', {}, 'Exam status: ', badge(exam.status, 'exam')) : null,
        h('label', {}, 'Review status', reviewSelect),
        h(
          'button',
          {
            type: 'button',
            onclick: () => {
              storage.removeItem(TOKEN_KEY);
              state.token = '';
              signIn();
            },
          },
          'Sign out',
        ),
      ),
      table,
    );
    if (state.examSid) await load(url);
    else table.replaceChildren(h('p', {}, 'This install has no exams yet.'));
  }

  function sessionTable(list, load) {
    if (!list.total) return h('p', {}, 'No sessions yet.');
    const rows = list.results.map((s) =>
      h(
        'tr',
        {},
        h('td', {}, s.candidateName ?? s.candidateEmail ?? s.testAttemptId),
        h('td', {}, badge(s.status, 'session')),
        h('td', {}, badge(s.reviewStatus, 'review')),
        h('td', {}, s.trustScore === null ? '—' : `${s.trustScore}/100${s.reviewRequired ? ' (needs review)' : ''}`),
        h('td', {}, String(s.sessionReportCount)),
        h('td', {}, time(s.createdDate)),
        h(
          'td',
          {},
          h(
            'button',
            {
              type: 'button',
              'aria-label': `Open session of ${s.candidateName ?? s.testAttemptId}`,
              onclick: () => void session(s.sid),
            },
            'Open',
          ),
        ),
      ),
    );
    const pager = h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', disabled: !list.prev, onclick: () => void load(list.prev) }, 'Previous page'),
      h('span', {}, `${list.offset + 1}–${list.offset + list.count} of ${list.total}`),
      h('button', { type: 'button', disabled: !list.next, onclick: () => void load(list.next) }, 'Next page'),
    );
    return h(
      'div',
      {},
      h(
        'table',
        {},
        h('caption', {}, 'Sessions, newest first'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ['Candidate', 'Session status', 'Review', 'Trust Score', 'Events', 'Created'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h('tbody', {}, rows),
      ),
      pager,
    );
  }

  // --- one session -----------------------------------------------------------------------------
  async function session(sessionSid) {
    const base = `/v1/installs/${state.installSid}/exams/${state.examSid}/sessions/${sessionSid}`;
    const d = await api(base);
    const reviewBadge = badge(d.reviewStatus, 'review');
    const select = h(
      'select',
      { name: 'review' },
      REVIEW_OPTIONS.map(([value, code]) =>
        h('option', { value, selected: value === d.reviewStatus }, `${REVIEW_LABELS[value]} — ${code}`),
      ),
    );
    const reviewForm = h(
      'form',
      {
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            const r = await api(`${base}/review`, { method: 'PUT', body: { status: select.value } });
            reviewBadge.status = r.status;
            announce(`Review status saved: ${REVIEW_LABELS[r.status]} (code ${r.code}).`);
          } catch (error) {
            announce(`Could not save the review status: ${error.message}`);
          }
        },
      },
      h('label', {}, 'Review status', select),
      ' ',
      h('button', { type: 'submit' }, 'Save review'),
    );
    const timeline = h('ol', { class: 'timeline' });
    const more = h('button', { type: 'button', hidden: true }, 'Load more events');
    let next = `${base}/events?limit=50`;
    const loadEvents = async () => {
      const list = await api(next);
      for (const e of list.results) timeline.append(eventItem(e));
      next = list.next;
      more.hidden = !next;
      return list;
    };
    more.addEventListener('click', () => void loadEvents());
    const notes = h('ul', { class: 'annotations' });
    const addNote = (a) =>
      notes.append(
        h(
          'li',
          {},
          h('strong', {}, a.type === 'note' ? 'Note' : a.type === 'incident' ? 'Incident' : 'Dismissal'),
          ` ${time(a.createdDate)}${a.author ? ` — ${a.author}` : ''}: `,
          a.text,
        ),
      );
    const text = h('textarea', { name: 'text', rows: 3, required: true, maxlength: 4000 });
    const type = h(
      'select',
      { name: 'type' },
      h('option', { value: 'note' }, 'Note'),
      h('option', { value: 'incident' }, 'Incident'),
      h('option', { value: 'dismissal' }, 'Dismissal (false alarm)'),
    );
    const noteForm = h(
      'form',
      {
        onsubmit: async (event) => {
          event.preventDefault();
          try {
            const a = await api(`${base}/annotations`, {
              method: 'POST',
              body: { text: text.value, type: type.value },
            });
            addNote(a);
            text.value = '';
            announce('Annotation added.');
          } catch (error) {
            announce(`Could not add the annotation: ${error.message}`);
          }
        },
      },
      h('label', {}, 'Annotation', text),
      h('label', {}, 'Kind', type),
      h('button', { type: 'submit' }, 'Add annotation'),
    );
    show(
      h('p', {}, h('button', { type: 'button', onclick: () => void sessions() }, 'Back to sessions')),
      heading(`Session of ${d.candidateName ?? d.candidateEmail ?? d.testAttemptId}`),
      h(
        'dl',
        { class: 'details' },
        h('dt', {}, 'Session status'),
        h('dd', {}, badge(d.status, 'session')),
        h('dt', {}, 'Review'),
        h('dd', {}, reviewBadge),
        h('dt', {}, 'Trust Score'),
        h(
          'dd',
          { 'data-field': 'trust-score' },
          d.trustScore === null
            ? 'not finished'
            : `${d.trustScore}/100 — ${d.reviewRequired ? 'needs review' : 'no review needed'}`,
        ),
        h('dt', {}, 'Attempt'),
        h('dd', {}, d.testAttemptId),
        h('dt', {}, 'Started'),
        h('dd', {}, time(d.inProgressDate ?? d.recordingStartDate)),
        h('dt', {}, 'Finished'),
        h('dd', {}, time(d.finishedDate)),
        h('dt', {}, 'Duration'),
        h('dd', {}, d.duration === null ? '—' : `${Math.round(d.duration / 60)} min (${d.duration} s)`),
        h('dt', {}, 'Event reports'),
        h('dd', {}, String(d.sessionReportCount)),
      ),
      reviewForm,
      h('h3', {}, 'Evidence timeline'),
      timeline,
      more,
      h('h3', {}, 'Annotations'),
      notes,
      noteForm,
    );
    const [events, annotations] = await Promise.all([loadEvents(), api(`${base}/annotations?limit=500`)]);
    if (!events.total) timeline.replaceWith(h('p', {}, 'No evidence was recorded.'));
    annotations.results.forEach(addNote);
  }

  function eventItem(e) {
    const li = h(
      'li',
      {},
      h('time', { datetime: e.startedDate }, new Date(e.startedDate).toLocaleTimeString()),
      ` — ${e.description} `,
      h('code', {}, `${e.code} ${e.type}`),
      e.durationMs ? ` (${seconds(e.durationMs)})` : '',
    );
    if (e.photoUrl) {
      const button = h('button', { type: 'button' }, 'Show photo');
      button.addEventListener('click', async () => {
        const res = await fetch(apiBase.replace(/\/$/, '') + e.photoUrl, { headers: { token: state.token } });
        if (!res.ok) return announce(`The photo could not be loaded (HTTP ${res.status}).`);
        const url = URL.createObjectURL(await res.blob());
        state.photoUrls.push(url);
        button.replaceWith(
          h('img', {
            class: 'photo',
            src: url,
            alt: `Photo at ${new Date(e.startedDate).toLocaleTimeString()}: ${e.description}`,
          }),
        );
      });
      li.append(' ', button);
    } else if (e.photoPending) {
      // the record announced a photo that has not reached the server yet
      li.append(' ', h('span', { class: 'pending' }, '(photo pending: not received yet)'));
    }
    return li;
  }

  void start();
  return { refresh: start };
}
