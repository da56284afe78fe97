// Test-runner reporter: after a run, lists every skipped test with its title (the reason a test is
// skipped in an engine is written in its title, see test/helpers/engine.ts) and the groups this
// engine does not run with their reason, then one count line: `<engine>: N passed, M skipped, K failed`,
// then each failed test (or file that failed to load) with the first line of its error, last, so the
// tail of a CI log names the failure. So nothing is skipped or fails silently.
export function engineReporter({ engine, groupsNotRun = [] }) {
  return {
    stop({ sessions }) {
      const counts = { passed: 0, skipped: 0, failed: 0 };
      const skipped = [];
      const failed = [];
      const firstLine = (error) =>
        String(error?.message ?? error ?? 'no error message')
          .split('\n')[0]
          .slice(0, 300);
      const walk = (suite, path, file) => {
        for (const test of suite.tests ?? []) {
          if (test.skipped) {
            counts.skipped++;
            skipped.push(`  ${file} › ${[...path, test.name].join(' › ')}`);
          } else if (test.passed) counts.passed++;
          else {
            counts.failed++;
            failed.push(`  ${file} › ${[...path, test.name].join(' › ')}: ${firstLine(test.error)}`);
          }
        }
        for (const child of suite.suites ?? []) walk(child, [...path, child.name], file);
      };
      for (const session of sessions) {
        const file = session.testFile.replace(`${process.cwd()}/`, '');
        if (session.testResults) walk(session.testResults, [], file);
        if (!session.passed && !session.testResults?.tests?.length && !session.testResults?.suites?.length) {
          counts.failed++; // a file that failed to load has no tests
          failed.push(`  ${file}: ${firstLine(session.errors?.[0])}`);
        }
      }
      const lines = [];
      if (skipped.length) lines.push(`${engine}: skipped tests (the reason is in the title):`, ...skipped);
      for (const { name, files, reason } of groupsNotRun)
        lines.push(`${engine}: group "${name}" not run (${files} files): ${reason}`);
      lines.push(`${engine}: ${counts.passed} passed, ${counts.skipped} skipped, ${counts.failed} failed`);
      if (failed.length) lines.push(`${engine}: failed:`, ...failed);
      console.log(`\n${lines.join('\n')}`);
    },
  };
}
