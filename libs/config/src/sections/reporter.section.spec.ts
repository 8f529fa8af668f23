import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOST_METRIC_NAMES } from '@tideline/contracts';
import { resolveSensitivity } from '@tideline/stats';
import { anomalySectionSchema } from './anomaly.section';
import { reporterSectionSchema } from './reporter.section';

describe('reporter section defaults', () => {
  const defaults = reporterSectionSchema.parse({});

  it("takes its score levels from the alerts' scale, not constants of its own", () => {
    // anomalous and warning: what medium sensitivity (the default) fires at, 0.5
    assert.equal(defaults.analysis.anomalyScore, resolveSensitivity('medium').fireLevel);
    assert.equal(defaults.analysis.warningScore, resolveSensitivity('medium').fireLevel);
    // critical: the anomaly service's own critical score, 0.6
    assert.equal(defaults.analysis.criticalScore, anomalySectionSchema.parse({}).lifecycle.criticalScore);
    assert.deepEqual(
      [defaults.analysis.anomalyScore, defaults.analysis.warningScore, defaults.analysis.criticalScore],
      [0.5, 0.5, 0.6],
    );
  });

  it('limits the disk and memory percentages the collector publishes at 100', () => {
    assert.deepEqual(
      defaults.limits.map((l) => [l.metric, l.limit]),
      [
        [HOST_METRIC_NAMES.diskUsedPercent, 100],
        [HOST_METRIC_NAMES.memUsedPercent, 100],
      ],
    );
  });

  it('still lets a config override each score level', () => {
    const section = reporterSectionSchema.parse({ analysis: { anomalyScore: 0.14, criticalScore: 0.8 } });
    assert.equal(section.analysis.anomalyScore, 0.14);
    assert.equal(section.analysis.criticalScore, 0.8);
  });
});
