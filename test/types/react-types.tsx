// Type tests (tsc, no runtime): the React wrappers and the raw-tag JSX types accept what they
// should and refuse what they should not (each @ts-expect-error must be an error).
import type {} from '../../src/jsx.js';
import { ApMonitor, ApRequirementsCheck, ApStatusBadge } from '../../src/react.js';

export const wrappers = (
  <>
    <ApStatusBadge status="exam_started" kind="session" />
    <ApRequirementsCheck
      checks="microphone,webcam"
      bandwidthUrl="/api/bandwidth/"
      onChecksComplete={(e) => e.detail.passed satisfies boolean}
      onCheckChange={(e) => e.detail.status satisfies string}
    />
    <ApMonitor
      clientId="c"
      testAttemptId="t"
      hashedTestAttemptId="h"
      onEvidence={(e) => e.detail.code satisfies number}
    />
    {/* @ts-expect-error: kind is a fixed vocabulary */}
    <ApStatusBadge kind="planet" />
    {/* @ts-expect-error: the event detail has no such field */}
    <ApRequirementsCheck onChecksComplete={(e) => e.detail.nope} />
  </>
);

export const rawTags = (
  <>
    <ap-status-badge status="open" kind="exam" />
    <ap-requirements-check
      checks="webcam"
      bandwidth-url="/api/bandwidth/"
      onap-checks-complete={(e) => e.detail.passed}
    />
    <ap-monitor client-id="c" test-attempt-id="t" hashed-test-attempt-id="h" onap-error={(e) => e.detail.code} />
    {/* @ts-expect-error: autostart is a boolean */}
    <ap-requirements-check autostart="yes" />
  </>
);
