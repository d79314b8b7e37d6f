import { emptyDaemonJson } from './daemon-config.js';
import type { DockerFacts } from './types.js';

/** Facts with nothing collected yet: the starting point the collector fills in. */
export function emptyDockerFacts(endpoint: string): DockerFacts {
  return {
    available: false,
    endpoint,
    unavailable: null,
    engine: null,
    daemon: {
      configFile: emptyDaemonJson(),
      units: [],
      hosts: [],
    },
    containers: [],
    images: [],
    runnerVolumes: [],
    otherVolumeCount: 0,
    self: { containerId: null, detectedBy: null },
    problems: [],
  };
}
