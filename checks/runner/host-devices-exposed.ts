import { defineCheck } from '../../agent/core/check.js';
import type { Severity } from '../../agent/core/severity.js';
import { judgeDockerRunners, runnerFinding, tomlList } from './common.js';

/** Block devices, raw memory and kernel interfaces give the host away; GPUs and serial ports are a narrower exposure. */
function deviceSeverity(hostDevice: string): Severity {
  if (/^\/dev\/(?:sd|nvme|vd|xvd|hd|dm-|md|loop|mapper|disk|mem|kmem|port|fuse)/.test(hostDevice)) return 'critical';
  if (/^\/dev\/(?:kvm|vhost|net\/tun|dri|nvidia|tty[A-Z]|bus\/usb)/.test(hostDevice)) return 'medium';
  return 'high';
}

export const hostDevicesExposed = defineCheck({
  meta: {
    id: 'host-devices-exposed',
    title: 'Host devices passed to jobs',
    severity: 'high',
    category: 'host-access',
    rationale:
      'devices and device_cgroup_rules give job containers direct access to host device nodes. A disk device lets a job read and write the host filesystem underneath every permission check; a rule like "a *:* rwm" allows any device a job can create.',
    remediation: 'Remove devices and device_cgroup_rules from [runners.docker]; give hardware (GPUs, KVM) only to a dedicated runner for the project that needs it.',
    gitlabSection: 'docker-executor',
    references: [{ title: 'Docker: add host device to container', url: 'https://docs.docker.com/reference/cli/docker/container/run/#device' }],
    requires: ['runner'],
  },
  evaluate(facts) {
    return judgeDockerRunners(facts.domains.runner, (at, docker) => {
      const devices = docker.devices.map((entry) => {
        const hostDevice = entry.split(':')[0] ?? entry;
        return runnerFinding(at, {
          message: `host device ${hostDevice} is available to every job`,
          evidence: `[runners.docker] devices = ${tomlList(docker.devices)}`,
          severity: deviceSeverity(hostDevice),
          remediation: `Remove "${entry}" from devices in [runners.docker].`,
          key: `device:${hostDevice}`,
        });
      });
      const rules = docker.deviceCgroupRules.map((rule) =>
        runnerFinding(at, {
          message: `device cgroup rule "${rule}" lets jobs use host devices`,
          evidence: `[runners.docker] device_cgroup_rules = ${tomlList(docker.deviceCgroupRules)}`,
          severity: /^[ab]\s+\*:\*/.test(rule.trim()) ? 'critical' : 'high',
          remediation: `Remove "${rule}" from device_cgroup_rules in [runners.docker].`,
          key: `rule:${rule}`,
        }),
      );
      return [...devices, ...rules];
    });
  },
});
