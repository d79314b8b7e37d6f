import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { detectCloud } from '../../collectors/network/cloud.js';
import type { CloudVerdict, DmiField } from '../../collectors/network/types.js';
import { SyntheticHost } from '../helpers/host.js';

const hosts: SyntheticHost[] = [];
afterEach(() => {
  for (const host of hosts.splice(0)) host.cleanup();
});

/** A host whose /sys/class/dmi/id is laid out like the kernel's: a symlink into /sys/devices. */
function dmiHost(values: Partial<Record<DmiField, string>>, hypervisor: { type?: string; uuid?: string } = {}): SyntheticHost {
  const host = new SyntheticHost('rw-cloud-');
  hosts.push(host);
  host.mkdir('/sys/devices/virtual/dmi/id').symlink('/sys/class/dmi/id', '../../devices/virtual/dmi/id');
  for (const [field, value] of Object.entries(values)) host.write(`/sys/devices/virtual/dmi/id/${field}`, `${value}\n`);
  if (hypervisor.type) host.write('/sys/hypervisor/type', `${hypervisor.type}\n`);
  if (hypervisor.uuid) host.write('/sys/hypervisor/uuid', `${hypervisor.uuid}\n`);
  return host;
}

describe('cloud detection from DMI, without network traffic', () => {
  it.each<{ name: string; dmi: Partial<Record<DmiField, string>>; hypervisor?: { type?: string; uuid?: string }; provider: CloudVerdict }>([
    { name: 'AWS Nitro', dmi: { sys_vendor: 'Amazon EC2', product_name: 't3.medium', bios_vendor: 'Amazon EC2', board_asset_tag: 'i-0123456789abcdef0', chassis_asset_tag: 'Amazon EC2' }, provider: 'aws' },
    { name: 'AWS Xen (bios version only)', dmi: { sys_vendor: 'Xen', product_name: 'HVM domU', bios_vendor: 'Xen', bios_version: '4.11.amazon' }, hypervisor: { type: 'xen' }, provider: 'aws' },
    { name: 'AWS Xen (hypervisor uuid only)', dmi: { sys_vendor: 'Xen', product_name: 'HVM domU' }, hypervisor: { type: 'xen', uuid: 'ec2e1916-9099-7caf-fd21-012345abcdef' }, provider: 'aws' },
    { name: 'GCP', dmi: { sys_vendor: 'Google', product_name: 'Google Compute Engine', bios_vendor: 'Google' }, provider: 'gcp' },
    { name: 'Azure', dmi: { sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: '7783-7084-3265-9085-8269-3286-77' }, provider: 'azure' },
    { name: 'OpenStack', dmi: { sys_vendor: 'OpenStack Foundation', product_name: 'OpenStack Nova' }, provider: 'openstack' },
    { name: 'Oracle Cloud', dmi: { sys_vendor: 'QEMU', product_name: 'Standard PC (i440FX + PIIX, 1996)', chassis_asset_tag: 'OracleCloud.com' }, provider: 'oracle' },
    { name: 'Alibaba', dmi: { sys_vendor: 'Alibaba Cloud', product_name: 'Alibaba Cloud ECS' }, provider: 'alibaba' },
    { name: 'DigitalOcean', dmi: { sys_vendor: 'DigitalOcean', product_name: 'Droplet' }, provider: 'digitalocean' },
    { name: 'Hetzner', dmi: { sys_vendor: 'Hetzner', product_name: 'vServer' }, provider: 'hetzner' },
    { name: 'bare metal', dmi: { sys_vendor: 'Dell Inc.', product_name: 'PowerEdge R650', bios_vendor: 'Dell Inc.' }, provider: 'none' },
    { name: 'VirtualBox (Oracle-made, not Oracle Cloud)', dmi: { sys_vendor: 'innotek GmbH', product_name: 'VirtualBox', bios_vendor: 'innotek GmbH' }, provider: 'none' },
    { name: 'Hyper-V on a desktop (no Azure tag)', dmi: { sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: '0000-0000-0000' }, provider: 'unknown' },
    { name: 'plain KVM, any cloud or none', dmi: { sys_vendor: 'QEMU', product_name: 'Standard PC (Q35 + ICH9, 2009)' }, provider: 'unknown' },
    { name: 'no DMI at all (a container, an image)', dmi: {}, provider: 'unknown' },
    { name: 'conflicting markers of two clouds', dmi: { sys_vendor: 'Google', product_name: 'Droplet' }, provider: 'unknown' },
  ])('$name -> $provider', ({ dmi, hypervisor, provider }) => {
    const errors: string[] = [];
    const detection = detectCloud(dmiHost(dmi, hypervisor).root, errors);
    expect(detection.provider).toBe(provider);
    expect(errors).toEqual([]);
    if (provider !== 'unknown') expect(detection.evidence.length).toBeGreaterThan(0);
  });

  it('keeps the DMI values it read, sanitised, and not the hypervisor uuid', () => {
    const host = dmiHost({ sys_vendor: 'Amazon EC2\u001b[31m', product_name: 'm5.large' }, { type: 'xen', uuid: 'ec2e1916-9099-7caf-fd21-012345abcdef' });
    const detection = detectCloud(host.root, []);
    expect(detection.dmi.sys_vendor).toBe('Amazon EC2\uFFFD[31m');
    expect(detection.dmi.product_name).toBe('m5.large');
    expect(detection.dmi.bios_vendor).toBeNull();
    expect(detection).toMatchObject({ hypervisorType: 'xen', hypervisorUuidEc2: true });
    expect(JSON.stringify(detection)).not.toContain('ec2e1916');
  });

  it('reads no further than a FIFO planted as a DMI file, and says so', () => {
    const host = dmiHost({ product_name: 'Google Compute Engine' });
    execFileSync('mkfifo', [host.path('/sys/devices/virtual/dmi/id/sys_vendor')]);
    const errors: string[] = [];
    const detection = detectCloud(host.root, errors);
    expect(detection.provider).toBe('gcp');
    expect(errors.join('\n')).toMatch(/sys_vendor: .*not-regular/);
  });

  it('does not follow a DMI symlink out of the host root', () => {
    const outside = new SyntheticHost('rw-outside-');
    hosts.push(outside);
    outside.write('/vendor', 'Amazon EC2\n');
    const host = dmiHost({});
    host.symlink('/sys/devices/virtual/dmi/id/sys_vendor', `${outside.root}/vendor`);
    expect(detectCloud(host.root, []).provider).toBe('unknown');
  });
});
