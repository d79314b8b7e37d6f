import type { Check } from '../../agent/core/check.js';
import { dockerApiTcpInsecure } from './docker-api-tcp-insecure.js';
import { dockerDaemonHardening } from './docker-daemon-hardening.js';
import { dockerDangerousCapabilities } from './docker-dangerous-capabilities.js';
import { dockerHostDevices } from './docker-host-devices.js';
import { dockerHostNamespaces } from './docker-host-namespaces.js';
import { dockerPrivateImageIfNotPresent } from './docker-private-image-if-not-present.js';
import { dockerPrivilegedContainer } from './docker-privileged-container.js';
import { dockerRunnerVolumeShared } from './docker-runner-volume-shared.js';
import { dockerSecurityProfileUnconfined } from './docker-security-profile-unconfined.js';
import { dockerSensitiveHostMount } from './docker-sensitive-host-mount.js';
import { dockerSocketMounted } from './docker-socket-mounted.js';

/** Checks on docker facts, one file each. */
export const dockerChecks: Check[] = [
  dockerApiTcpInsecure,
  dockerDaemonHardening,
  dockerDangerousCapabilities,
  dockerHostDevices,
  dockerHostNamespaces,
  dockerPrivateImageIfNotPresent,
  dockerPrivilegedContainer,
  dockerRunnerVolumeShared,
  dockerSecurityProfileUnconfined,
  dockerSensitiveHostMount,
  dockerSocketMounted,
];
