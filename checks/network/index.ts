import type { Check } from '../../agent/core/check.js';
import { networkDockerApiListening } from './network-docker-api-listening.js';
import { networkMetadataReachable } from './network-metadata-reachable.js';
import { networkMetadataUnguarded } from './network-metadata-unguarded.js';
import { networkRunnerPortExposed } from './network-runner-port-exposed.js';

/** Checks on network facts, one file each. */
export const networkChecks: Check[] = [networkDockerApiListening, networkMetadataReachable, networkMetadataUnguarded, networkRunnerPortExposed];
