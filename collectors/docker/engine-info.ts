import { safeText } from '../../agent/lib/sanitize.js';
import { boolAt, isObject, numberAt, objectAt, textAt, textsAt } from './json.js';
import type { DockerEngineFacts } from './types.js';

/** `name=seccomp,profile=default` → Map{name: seccomp, profile: default}. */
function securityOption(entry: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of entry.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  return fields;
}

/** `WARNING: API is accessible on http://0.0.0.0:2375 without encryption.` (and the https variant). */
const API_WARNING = /API is accessible on (https?):\/\/(\S+?) without (?:encryption|TLS client verification)/;

function unverifiedListeners(warnings: readonly string[]): { address: string; tls: boolean }[] {
  return warnings.flatMap((warning) => {
    const match = API_WARNING.exec(warning);
    return match ? [{ address: match[2] as string, tls: match[1] === 'https' }] : [];
  });
}

/** Engine facts from the `/version` and `/info` answers. */
export function parseEngineInfo(version: unknown, info: unknown): DockerEngineFacts {
  const options = textsAt(info, 'SecurityOptions').map(securityOption);
  const option = (name: string) => options.find((fields) => fields.get('name') === name);
  const registry = objectAt(info, 'RegistryConfig');
  const indexConfigs = objectAt(registry, 'IndexConfigs');
  const insecureRegistries = indexConfigs
    ? Object.entries(indexConfigs)
        .filter(([, config]) => isObject(config) && config.Secure === false)
        .map(([name]) => safeText(name, 200))
        .slice(0, 256)
    : [];
  const cgroup = textAt(info, 'CgroupVersion', 10);
  const warnings = textsAt(info, 'Warnings', 600, 50);
  return {
    version: textAt(version, 'Version', 100),
    apiVersion: textAt(version, 'ApiVersion', 20),
    kernelVersion: textAt(info, 'KernelVersion', 200),
    seccomp: option('seccomp') !== undefined,
    seccompProfile: option('seccomp')?.get('profile') ? safeText(option('seccomp')?.get('profile') ?? '', 100) : null,
    apparmor: option('apparmor') !== undefined,
    selinux: option('selinux') !== undefined,
    userns: option('userns') !== undefined,
    rootless: option('rootless') !== undefined,
    cgroupVersion: cgroup === '' ? null : cgroup,
    liveRestore: boolAt(info, 'LiveRestoreEnabled'),
    rootDir: textAt(info, 'DockerRootDir', 500),
    insecureRegistryCidrs: textsAt(registry, 'InsecureRegistryCIDRs', 100),
    insecureRegistries,
    containerCount: numberAt(info, 'Containers') ?? 0,
    warnings,
    unverifiedTcpListeners: unverifiedListeners(warnings),
  };
}
