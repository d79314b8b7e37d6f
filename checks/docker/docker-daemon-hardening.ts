import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';
import { daemonMissing } from './scope.js';

export const dockerDaemonHardening = defineCheck({
  meta: {
    id: 'docker-daemon-hardening',
    title: 'Docker daemon hardening settings off',
    severity: 'low',
    category: 'docker-daemon',
    rationale:
      "Daemon-wide settings limit what a container escape or a hostile job can do: userns-remap maps a container's root " +
      'to an unprivileged host user; icc = false stops containers on the default bridge from reaching each other (the ' +
      "service containers of other jobs); no-new-privileges stops setuid binaries from raising a job's privileges; " +
      'live-restore keeps jobs running while the daemon restarts.',
    remediation:
      'In /etc/docker/daemon.json set "userns-remap": "default" (where no job needs privileged mode), "icc": false, ' +
      '"no-new-privileges": true and "live-restore": true, then restart dockerd.',
    gitlabSection: 'secure-host',
    references: [
      { title: 'Docker: isolate containers with a user namespace', url: 'https://docs.docker.com/engine/security/userns-remap/' },
      { title: 'Docker: daemon configuration file', url: 'https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    const docker = facts.domains.docker;
    const missing = daemonMissing(docker);
    if (missing) return missing;
    const file = docker.daemon.configFile;
    const engine = docker.engine;
    const findings: FindingDraft[] = [];
    const setting = (key: string, message: string, evidence: string) =>
      findings.push({ subject: { kind: 'daemon', id: 'dockerd', label: engine ? `Docker engine ${engine.version}` : 'Docker daemon' }, message, evidence, key });
    // The running engine is the truth when it answers; daemon.json otherwise.
    const remapped = engine ? engine.userns || engine.rootless : file.usernsRemap !== null;
    if (!remapped) setting('userns-remap', 'container root is host root: userns-remap is off and the daemon is not rootless', engine ? 'SecurityOptions has neither name=userns nor name=rootless' : 'daemon.json has no userns-remap');
    if (file.icc !== false) setting('icc', 'containers on the default bridge can reach each other (icc is on)', file.icc === true ? 'daemon.json: "icc": true' : 'daemon.json does not set "icc": false (default true)');
    if (file.noNewPrivileges !== true) setting('no-new-privileges', 'setuid binaries can raise privileges inside containers (no-new-privileges is off daemon-wide)', 'daemon.json does not set "no-new-privileges": true');
    const liveRestore = engine ? engine.liveRestore : file.liveRestore === true;
    if (!liveRestore) setting('live-restore', 'a daemon restart stops every running job (live-restore is off)', engine ? 'LiveRestoreEnabled=false' : 'daemon.json does not set "live-restore": true');
    return findingsOrPass(findings);
  },
});
