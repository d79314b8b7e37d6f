import type { Check } from '../../agent/core/check.js';
import { autoscaledVmReuse } from './autoscaled-vm-reuse.js';
import { configIneffectiveKeys } from './config-ineffective-keys.js';
import { configTomlPermissions } from './config-toml-permissions.js';
import { dangerousCapabilities } from './dangerous-capabilities.js';
import { dockerPrivilegedBuild } from './docker-privileged-build.js';
import { dockerPrivilegedServices } from './docker-privileged-services.js';
import { dockerRootNoHardening } from './docker-root-no-hardening.js';
import { dockerSocketInVolumes } from './docker-socket-in-volumes.js';
import { gitStrategyFetch } from './git-strategy-fetch.js';
import { hostDevicesExposed } from './host-devices-exposed.js';
import { hostNamespaces } from './host-namespaces.js';
import { jobCleanupDisabled } from './job-cleanup-disabled.js';
import { metricsListenExposed } from './metrics-listen-exposed.js';
import { plaintextSecretsInConfig } from './plaintext-secrets-in-config.js';
import { pullPolicyIfNotPresent } from './pull-policy-if-not-present.js';
import { runnerConfigUnreadable } from './runner-config-unreadable.js';
import { runnerInsecureTransport } from './runner-insecure-transport.js';
import { runnerTokenCloned } from './runner-token-cloned.js';
import { runnerVersionOutdated } from './runner-version-outdated.js';
import { securityProfileDisabled } from './security-profile-disabled.js';
import { sensitiveHostPathMounts } from './sensitive-host-path-mounts.js';
import { sessionServerExposed } from './session-server-exposed.js';
import { shellExecutorInUse } from './shell-executor-in-use.js';
import { sshHostKeyCheckingDisabled } from './ssh-host-key-checking-disabled.js';

/** Checks on runner facts, one file each. */
export const runnerChecks: Check[] = [
  autoscaledVmReuse,
  configIneffectiveKeys,
  configTomlPermissions,
  dangerousCapabilities,
  dockerPrivilegedBuild,
  dockerPrivilegedServices,
  dockerRootNoHardening,
  dockerSocketInVolumes,
  gitStrategyFetch,
  hostDevicesExposed,
  hostNamespaces,
  jobCleanupDisabled,
  metricsListenExposed,
  plaintextSecretsInConfig,
  pullPolicyIfNotPresent,
  runnerConfigUnreadable,
  runnerInsecureTransport,
  runnerTokenCloned,
  runnerVersionOutdated,
  securityProfileDisabled,
  sensitiveHostPathMounts,
  sessionServerExposed,
  shellExecutorInUse,
  sshHostKeyCheckingDisabled,
];
