import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { ApRequirementsCheck, ApStatusBadge } from 'proctor-elements/react';

/** The exam-setup step of a React app: the wrappers take props and `on…` event handlers. */
export function App({ bandwidthUrl = '/api/bandwidth/', settings = {} }) {
  const [status, setStatus] = useState('not_started');
  const [result, setResult] = useState('');
  return (
    <main>
      <h1>Exam setup</h1>
      <p>
        Connection: <ApStatusBadge kind="check" status={status} />
      </p>
      <ApRequirementsCheck
        checks="bandwidth"
        bandwidthUrl={bandwidthUrl}
        settings={settings}
        onCheckChange={(event) => setStatus(event.detail.status)}
        onChecksComplete={(event) => setResult(event.detail.passed ? 'Ready.' : 'Not ready.')}
      />
      <p role="status">{result}</p>
    </main>
  );
}

/** Renders the app into `root`; returns a function that unmounts it. */
export function mount(root, props) {
  const app = createRoot(root);
  app.render(<App {...props} />);
  return () => app.unmount();
}
