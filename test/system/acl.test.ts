import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP, GROUP_OBJ, MASK, OTHER, USER, USER_OBJ, setAcl } from '../helpers/acl.js';
import { FILE_ACCESS_MODES, withFileAccess } from '../helpers/file-access.js';
import type { SyntheticHost } from '../helpers/host.js';
import { JOB_UID, collect, runnerHost } from './harness.js';

/**
 * Grants that mode bits do not show. With native file access the collector reads POSIX ACLs and
 * judges them as the kernel does; the portable way cannot read them (Node has no xattr call),
 * judges mode bits alone and says so (aclsRead: false).
 */

let host: SyntheticHost;
afterEach(() => host?.cleanup());

const CI_GROUP = 1500;

function dockerSocketWithAcl(): void {
  host.mkdir('/run');
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', host.path('/run/docker.sock')]);
  // root:root 0660, as a host that never made a docker group; the ACL is the only way in.
  fs.chmodSync(host.path('/run/docker.sock'), 0o660);
  setAcl(host.path('/run/docker.sock'), [[USER_OBJ, 6], [USER, 6, JOB_UID], [GROUP_OBJ, 6], [GROUP, 6, CI_GROUP], [GROUP, 4, 1600], [MASK, 6], [OTHER, 0]]);
}

function rootKeyReadableByAcl(): void {
  const keyDir = fs.mkdtempSync(path.join(host.root, 'gen-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(keyDir, 'k')]);
  host.write('/root/.ssh/id_ed25519', { content: fs.readFileSync(path.join(keyDir, 'k'), 'utf8'), mode: 0o600 });
  fs.chmodSync(host.path('/root/.ssh'), 0o700);
  // Search on /root and /root/.ssh, read on the key: all three by ACL, none by mode bits.
  setAcl(host.path('/root'), [[USER_OBJ, 7], [USER, 1, JOB_UID], [GROUP_OBJ, 0], [MASK, 1], [OTHER, 0]]);
  setAcl(host.path('/root/.ssh'), [[USER_OBJ, 7], [USER, 1, JOB_UID], [GROUP_OBJ, 0], [MASK, 1], [OTHER, 0]]);
  setAcl(host.path('/root/.ssh/id_ed25519'), [[USER_OBJ, 6], [USER, 4, JOB_UID], [GROUP_OBJ, 0], [MASK, 4], [OTHER, 0]]);
}

describe.each(FILE_ACCESS_MODES)('POSIX ACLs (%s file access)', (mode) => {
  withFileAccess(mode);
  const native = mode === 'native';

  it(native ? 'an ACL on the Docker socket grants the job user and a group: both found' : 'an ACL on the Docker socket is not read, and the facts say so', async () => {
    host = runnerHost({ extraGroup: `ci:x:${CI_GROUP}:gitlab-runner\nro:x:1600:gitlab-runner\n` });
    dockerSocketWithAcl();
    const facts = await collect(host.root);
    expect(facts.aclsRead).toBe(native);
    if (native) {
      expect(facts.dockerSocketUserGrants).toEqual([{ socket: '/run/docker.sock', user: 'gitlab-runner', uid: JOB_UID }]);
      // The root group gets rw by its own entry, but root's group is not a way in for anyone else; read-only 1600 is not a grant.
      expect(facts.dockerGroups.map((g) => [g.name, g.reason])).toEqual([
        ['docker', 'named-docker'],
        ['ci', 'socket-acl'],
      ]);
    } else {
      expect(facts.dockerSocketUserGrants).toEqual([]);
      expect(facts.dockerGroups.map((g) => g.name)).toEqual(['docker']);
    }
  });

  it(native ? "root's key is readable by the job user through ACLs on the key and the dirs above it" : "root's key is judged on mode bits alone", async () => {
    host = runnerHost();
    rootKeyReadableByAcl();
    const facts = await collect(host.root);
    const key = facts.ssh.privateKeys.find((k) => k.path === '/root/.ssh/id_ed25519');
    // 0640: with an ACL, the group bits shown are the mask.
    expect(key).toMatchObject({ mode: 0o640, readableBy: native ? ['gitlab-runner'] : [] });
  });
});
