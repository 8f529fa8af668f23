import type { MetricEvent } from '@tideline/contracts';
import type { HostSample } from '../host-sampling/host-sample';
import { hostSampleToEvents, type HostMetricsContext } from './host-metrics.mapper';
import { IntervalCollector, type IntervalCollectorOptions } from './interval-collector';

export type { TickReport } from './interval-collector';

export interface HostCollectorOptions extends Omit<IntervalCollectorOptions, 'collect'> {
  readonly reader: { read(): Promise<HostSample> };
  readonly context: HostMetricsContext;
}

/**
 * The host's collection loop ({@link IntervalCollector}): every tick reads the host and turns the sample (and the
 * previous one, for rates) into metric events. The first tick's gauges are published at once; rates follow from the
 * second tick.
 */
export class HostCollector extends IntervalCollector {
  constructor(options: HostCollectorOptions) {
    let previous: HostSample | undefined;
    const collect = async (): Promise<MetricEvent[]> => {
      const sample = await options.reader.read();
      const events = hostSampleToEvents(previous, sample, options.context);
      previous = sample;
      return events;
    };
    super({ ...options, collect });
  }
}
