import type { Collector } from '../agent/core/collector.js';
import { dockerCollector } from './docker/index.js';
import { networkCollector } from './network/index.js';
import { runnerCollector } from './runner/index.js';
import { systemCollector } from './system/index.js';

/** Every collector, one per fact domain. */
export const COLLECTORS: readonly Collector[] = [runnerCollector, dockerCollector, systemCollector, networkCollector] as Collector[];
