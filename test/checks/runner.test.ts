import { expect } from '@open-wc/testing';
import { ErrorCode, ProctorError, RequirementsRunner, parseCheckNames, type ChecksSummary } from '../../src/index.js';

describe('RequirementsRunner', () => {
  it('parses check lists and rejects unknown names with INVALID_OPTION', () => {
    expect(parseCheckNames(' microphone, webcam ,webcam')).to.deep.equal(['microphone', 'webcam']);
    try {
      parseCheckNames('microphone,telepathy');
      expect.fail('should throw');
    } catch (error) {
      expect(error).to.be.instanceOf(ProctorError);
      expect((error as ProctorError).code).to.equal(ErrorCode.INVALID_OPTION);
      expect((error as ProctorError).message).to.contain('"telepathy"');
    }
  });

  it('lets only optional checks be skipped and completes when the rest is done', async () => {
    const runner = new RequirementsRunner({ checks: ['bandwidth', 'mobile'], bandwidthUrl: '/__bandwidth/fast/' });
    expect(() => runner.skip('webcam')).to.throw(/not optional/);
    const complete = new Promise<CustomEvent<ChecksSummary>>((r) =>
      runner.addEventListener('complete', (e) => r(e as CustomEvent<ChecksSummary>)),
    );
    runner.skip('mobile');
    await runner.run();
    const { detail } = await complete;
    expect(detail.passed).to.equal(true);
    expect(runner.isSkipped('mobile')).to.equal(true);
    expect(runner.result('bandwidth')?.status).to.equal('succeeded');
  });

  it('fails a required bandwidth check without a URL, and reports passed=false', async () => {
    const runner = new RequirementsRunner({ checks: ['bandwidth'], optional: [] });
    await runner.run();
    expect(runner.result('bandwidth')).to.include({ status: 'failed', code: ErrorCode.INVALID_OPTION });
    expect(runner.summary.passed).to.equal(false);
  });
});
