import { safeText } from '../../agent/lib/sanitize.js';
import { boolAt, isoTime, labelsAt, numberAt, objectAt, objectsAt, textAt, textsAt, type Json } from './json.js';
import { runnerLabels } from './labels.js';
import type { ContainerFacts, ContainerMount } from './types.js';

/** `cap_sys_admin`, `CAP_SYS_ADMIN`, `sys_admin` → `SYS_ADMIN`. */
export function normaliseCapability(name: string): string {
  return name.trim().toUpperCase().replace(/^CAP_/, '');
}

function mounts(inspect: Json): ContainerMount[] {
  return objectsAt(inspect, 'Mounts', 512).map((mount) => {
    const name = textAt(mount, 'Name', 300);
    return {
      type: textAt(mount, 'Type', 20) || 'bind',
      source: textAt(mount, 'Source', 1000),
      destination: textAt(mount, 'Destination', 1000),
      volumeName: name === '' ? null : name,
      readOnly: mount.RW === false,
    };
  });
}

/** What matters of one container's inspect. `Config.Env` is never read: job secrets live there. */
export function parseContainerInspect(inspect: Json): ContainerFacts {
  const host = objectAt(inspect, 'HostConfig');
  const config = objectAt(inspect, 'Config');
  const state = objectAt(inspect, 'State');
  const labels = labelsAt(config, 'Labels');
  const securityOpt = textsAt(host, 'SecurityOpt', 300, 64);
  const running = boolAt(state, 'Running') || boolAt(state, 'Paused') || boolAt(state, 'Restarting');
  const pid = numberAt(state, 'Pid');
  return {
    id: textAt(inspect, 'Id', 80),
    name: textAt(inspect, 'Name', 200).replace(/^\//, ''),
    image: textAt(config, 'Image', 300),
    imageId: textAt(inspect, 'Image', 100),
    state: textAt(state, 'Status', 20) || 'unknown',
    running,
    pid: running && pid !== null && pid > 0 ? pid : null,
    created: isoTime(inspect.Created) ?? '',
    privileged: boolAt(host, 'Privileged'),
    capAdd: textsAt(host, 'CapAdd', 40, 64).map(normaliseCapability),
    capDrop: textsAt(host, 'CapDrop', 40, 64).map(normaliseCapability),
    securityOpt,
    appArmorProfile: textAt(inspect, 'AppArmorProfile', 200),
    noNewPrivileges: securityOpt.some((opt) => /^no-new-privileges(?:[=:]true)?$/i.test(opt)),
    pidMode: textAt(host, 'PidMode', 100),
    ipcMode: textAt(host, 'IpcMode', 100),
    networkMode: textAt(host, 'NetworkMode', 100),
    utsMode: textAt(host, 'UTSMode', 100),
    usernsMode: textAt(host, 'UsernsMode', 100),
    cgroupnsMode: textAt(host, 'CgroupnsMode', 100),
    devices: objectsAt(host, 'Devices', 128).map((device) => ({
      hostPath: textAt(device, 'PathOnHost', 300),
      containerPath: textAt(device, 'PathInContainer', 300),
      permissions: textAt(device, 'CgroupPermissions', 10),
    })),
    deviceCgroupRules: textsAt(host, 'DeviceCgroupRules', 100, 64),
    mounts: mounts(inspect),
    user: textAt(config, 'User', 100),
    readOnlyRootfs: boolAt(host, 'ReadonlyRootfs'),
    job: runnerLabels(labels),
    labelCount: labels.size,
  };
}

/** The id from one `/containers/json` entry, or null when the entry is malformed. */
export function listedContainerId(entry: unknown): string | null {
  const id = textAt(entry, 'Id', 80);
  return /^[0-9a-f]{12,64}$/.test(id) ? id : null;
}

/** A name for a listed container in problem reports (its first name, sanitised). */
export function listedContainerName(entry: unknown): string {
  const names = textsAt(entry, 'Names', 200, 1);
  return safeText((names[0] ?? '').replace(/^\//, ''), 200);
}
