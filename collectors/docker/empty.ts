import type { DockerFacts } from './types.js';

/** Facts with nothing collected yet: the starting point the collector fills in. */
export function emptyDockerFacts(endpoint: string): DockerFacts {
  return {
    available: false,
    endpoint,
    unavailable: null,
    engine: null,
    daemon: {
      configFile: {
        path: '/etc/docker/daemon.json',
        present: false,
        error: null,
        hosts: [],
        tls: null,
        tlsVerify: null,
        usernsRemap: null,
        icc: null,
        noNewPrivileges: null,
        liveRestore: null,
        insecureRegistries: [],
        seccompProfile: null,
      },
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
