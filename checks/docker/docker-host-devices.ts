import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import { judgeContainers } from './scope.js';

/** Host devices by what they give a job; the first match wins, anything else is medium. */
const DEVICE_CLASSES: { pattern: RegExp; severity: Severity; why: string }[] = [
  { pattern: /^\/dev\/(?:sd|hd|vd|xvd|nvme|mmcblk|loop|dm-|md|nbd)|^\/dev\/(?:mapper|disk)\//, severity: 'critical', why: 'a host disk: read or rewrite the host filesystem' },
  { pattern: /^\/dev\/(?:mem|kmem|port)$/, severity: 'critical', why: 'host memory or I/O ports' },
  { pattern: /^\/dev\/(?:kvm|fuse|net\/tun|vhost-net)$/, severity: 'medium', why: 'a host kernel interface jobs can abuse' },
  { pattern: /^\/dev\/(?:dri|nvidia)/, severity: 'low', why: 'a GPU' },
];

/** `a *:* rwm`, `b *:* rwm`: every device of a kind, present and future. */
const BROAD_RULE = /^[abc]\s+\*:\*\s+\S*[rwm]/;

export const dockerHostDevices = defineCheck({
  meta: {
    id: 'docker-host-devices',
    title: 'Host devices passed to containers',
    severity: 'medium',
    category: 'host-access',
    rationale:
      "A device passed into a container bypasses its filesystem isolation: a host disk lets a job read every project's " +
      'files and rewrite the host; /dev/mem or broad device cgroup rules are as good as privileged. Some devices (KVM, ' +
      'FUSE, GPUs) are needed by some builds but widen what a hostile job can reach.',
    remediation: 'Remove devices and device_cgroup_rules from [runners.docker]; keep device access to dedicated, protected runners.',
    gitlabSection: 'docker-executor',
    references: [
      { title: 'GitLab Runner: using host devices', url: 'https://docs.gitlab.com/runner/executors/docker/#using-host-devices' },
      { title: 'Docker run reference: --device', url: 'https://docs.docker.com/reference/cli/docker/container/run/#device' },
    ],
    requires: ['docker'],
  },
  evaluate(facts) {
    return judgeContainers(facts, (c, report) => {
      // Privileged containers get every device anyway: docker-privileged-container reports them.
      if (c.privileged) return;
      for (const device of c.devices) {
        const known = DEVICE_CLASSES.find((entry) => entry.pattern.test(device.hostPath));
        report({
          what: `with host device ${device.hostPath}: ${known?.why ?? 'direct access to host hardware'}`,
          evidence: `HostConfig.Devices: ${device.hostPath} -> ${device.containerPath} (${device.permissions})`,
          severity: known?.severity ?? 'medium',
          key: `device:${device.containerPath}`,
        });
      }
      for (const rule of c.deviceCgroupRules.filter((r) => BROAD_RULE.test(r.trim()))) {
        report({
          what: `with device cgroup rule "${rule}": every such host device node it creates is usable`,
          evidence: `HostConfig.DeviceCgroupRules: ${rule}`,
          severity: 'critical',
          key: `rule:${rule}`,
        });
      }
    });
  },
});
