import type { Check } from '../../agent/core/check.js';
import { gitConfigDangerous } from './git-config-dangerous.js';
import { jobHomeCredentials } from './job-home-credentials.js';
import { jobUserDockerGroup } from './job-user-docker-group.js';
import { jobUserSudo } from './job-user-sudo.js';
import { leftoverBuildCredentials } from './leftover-build-credentials.js';
import { leftoverJobTempFiles } from './leftover-job-temp-files.js';
import { persistentWorkingCopies } from './persistent-working-copies.js';
import { shellJobsAsRoot } from './shell-jobs-as-root.js';
import { shellStartupFilesWritable } from './shell-startup-files-writable.js';
import { sshAuthorizedKeysWritable } from './ssh-authorized-keys-writable.js';
import { sshPrivateKeyReadable } from './ssh-private-key-readable.js';
import { sshdConfigWeak } from './sshd-config-weak.js';
import { systemScanIncomplete } from './system-scan-incomplete.js';

/** Checks on system facts, one file each. */
export const systemChecks: Check[] = [
  gitConfigDangerous,
  jobHomeCredentials,
  jobUserDockerGroup,
  jobUserSudo,
  leftoverBuildCredentials,
  leftoverJobTempFiles,
  persistentWorkingCopies,
  shellJobsAsRoot,
  shellStartupFilesWritable,
  sshAuthorizedKeysWritable,
  sshPrivateKeyReadable,
  sshdConfigWeak,
  systemScanIncomplete,
] as Check[];
