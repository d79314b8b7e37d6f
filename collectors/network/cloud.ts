import { readTextUnderRoot } from '../../agent/lib/safe-fs.js';
import { safeText } from '../../agent/lib/sanitize.js';
import { DMI_FIELDS, type CloudDetection, type CloudProvider, type DmiField } from './types.js';

/** A DMI marker of one cloud: a field and a pattern its value matches on that cloud's instances. */
interface CloudMarker {
  cloud: CloudProvider;
  field: DmiField;
  pattern: RegExp;
}

/**
 * DMI values the providers set on their instances. Several clouds run KVM or Xen, so a
 * generic "QEMU" or "Xen" says nothing; only provider-specific strings count.
 */
const CLOUD_MARKERS: readonly CloudMarker[] = [
  { cloud: 'aws', field: 'sys_vendor', pattern: /^Amazon EC2$/i },
  { cloud: 'aws', field: 'bios_vendor', pattern: /^Amazon EC2$/i },
  { cloud: 'aws', field: 'chassis_asset_tag', pattern: /^Amazon EC2$/i },
  { cloud: 'aws', field: 'board_asset_tag', pattern: /^i-[0-9a-f]{8,17}$/ },
  // Older Xen-based EC2 instances: "4.11.amazon" and similar.
  { cloud: 'aws', field: 'bios_version', pattern: /\bamazon\b/i },
  { cloud: 'gcp', field: 'sys_vendor', pattern: /^Google$/i },
  { cloud: 'gcp', field: 'product_name', pattern: /^Google Compute Engine$/i },
  { cloud: 'gcp', field: 'bios_vendor', pattern: /^Google$/i },
  // Hyper-V on a desktop also says "Microsoft Corporation"; Azure's fixed chassis asset tag tells them apart.
  { cloud: 'azure', field: 'chassis_asset_tag', pattern: /^7783-7084-3265-9085-8269-3286-77$/ },
  { cloud: 'openstack', field: 'product_name', pattern: /^OpenStack (?:Nova|Compute)$/i },
  { cloud: 'openstack', field: 'sys_vendor', pattern: /^OpenStack Foundation$/i },
  { cloud: 'openstack', field: 'chassis_asset_tag', pattern: /^OpenStack Nova$/i },
  // VirtualBox's board vendor is also "Oracle Corporation"; OCI's chassis asset tag is specific.
  { cloud: 'oracle', field: 'chassis_asset_tag', pattern: /^OracleCloud\.com$/i },
  { cloud: 'alibaba', field: 'sys_vendor', pattern: /^Alibaba Cloud$/i },
  { cloud: 'alibaba', field: 'product_name', pattern: /^Alibaba Cloud ECS$/i },
  { cloud: 'digitalocean', field: 'sys_vendor', pattern: /^DigitalOcean$/i },
  { cloud: 'digitalocean', field: 'product_name', pattern: /^Droplet$/i },
  { cloud: 'hetzner', field: 'sys_vendor', pattern: /^Hetzner$/i },
];

/**
 * Vendors that could be any of several clouds (or none): a host showing only these is `unknown`,
 * never `none`, so auto mode stays silent and the verdict stays honest.
 */
const GENERIC_VIRTUAL = /^(?:QEMU|KVM|Xen|Bochs|Red Hat|Microsoft Corporation|OpenStack|Nutanix|.*Virtual Machine.*)$/i;

const MAX_DMI_BYTES = 256;

function readSysValue(root: string, hostPath: string, errors: string[]): string | null {
  try {
    const text = readTextUnderRoot(root, hostPath, { maxBytes: MAX_DMI_BYTES });
    const value = text?.trim();
    return value ? safeText(value, 120) : null;
  } catch (error) {
    errors.push(`${hostPath}: ${safeText(error instanceof Error ? error.message : String(error))}`);
    return null;
  }
}

/** Decides the cloud from DMI and /sys/hypervisor under the host root, without any network traffic. */
export function detectCloud(root: string, errors: string[]): CloudDetection {
  const dmi = Object.fromEntries(DMI_FIELDS.map((field) => [field, readSysValue(root, `/sys/class/dmi/id/${field}`, errors)])) as Record<DmiField, string | null>;
  const hypervisorType = readSysValue(root, '/sys/hypervisor/type', errors);
  const hypervisorUuid = readSysValue(root, '/sys/hypervisor/uuid', errors);
  const hypervisorUuidEc2 = hypervisorUuid !== null && /^ec2/i.test(hypervisorUuid);

  const votes = new Map<CloudProvider, string[]>();
  const vote = (cloud: CloudProvider, evidence: string) => votes.set(cloud, [...(votes.get(cloud) ?? []), evidence]);
  for (const marker of CLOUD_MARKERS) {
    const value = dmi[marker.field];
    if (value !== null && marker.pattern.test(value)) vote(marker.cloud, `${marker.field} = "${value}"`);
  }
  if (hypervisorUuidEc2) vote('aws', '/sys/hypervisor/uuid starts with "ec2"');

  const base = { dmi, hypervisorType, hypervisorUuidEc2 };
  const ranked = [...votes.entries()].sort((a, b) => b[1].length - a[1].length);
  const [best, runnerUp] = ranked;
  if (best && (!runnerUp || runnerUp[1].length < best[1].length)) return { ...base, provider: best[0], evidence: best[1] };
  // Markers of two clouds with equal weight: a customised image; claiming either would be a guess.
  if (best) return { ...base, provider: 'unknown', evidence: [] };

  const vendor = dmi.sys_vendor;
  if (vendor === null || hypervisorType !== null || GENERIC_VIRTUAL.test(vendor) || (dmi.product_name !== null && GENERIC_VIRTUAL.test(dmi.product_name))) {
    return { ...base, provider: 'unknown', evidence: [] };
  }
  return { ...base, provider: 'none', evidence: [`sys_vendor = "${vendor}" names no cloud with a metadata service`] };
}
