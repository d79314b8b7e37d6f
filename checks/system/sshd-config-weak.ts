import { defineCheck, findingsOrPass, type FindingDraft } from '../../agent/core/check.js';

export const sshdConfigWeak = defineCheck({
  meta: {
    id: 'sshd-config-weak',
    title: 'SSH server allows root or password logins',
    severity: 'low',
    category: 'host-access',
    rationale:
      'A runner host that accepts password logins, or root logins with a password, is easier to reach from a network where jobs run. It is a basic hardening step of the host GitLab asks to secure, not a job isolation problem.',
    remediation: 'In /etc/ssh/sshd_config set PermitRootLogin no (or prohibit-password) and PasswordAuthentication no, then reload sshd.',
    gitlabSection: 'secure-host',
    references: [{ title: 'sshd_config(5)', url: 'https://man.openbsd.org/sshd_config' }],
    requires: ['system'],
  },
  evaluate(facts) {
    const sshd = facts.domains.system.ssh.sshd;
    if (!sshd) return { status: 'not-applicable', reason: 'no /etc/ssh/sshd_config on this host' };
    const findings: FindingDraft[] = [];
    const subject = { kind: 'path' as const, id: sshd.path };
    if (sshd.permitRootLogin === 'yes') {
      findings.push({ subject, key: 'PermitRootLogin', message: 'sshd lets root log in with a password', evidence: 'PermitRootLogin yes', remediation: 'Set PermitRootLogin no (or prohibit-password).' });
    }
    if (sshd.passwordAuthentication === null || sshd.passwordAuthentication === 'yes') {
      findings.push({
        subject,
        key: 'PasswordAuthentication',
        message: 'sshd accepts password logins',
        evidence: sshd.passwordAuthentication === null ? 'PasswordAuthentication not set (OpenSSH default: yes)' : 'PasswordAuthentication yes',
        remediation: 'Set PasswordAuthentication no and use keys.',
      });
    }
    return findingsOrPass(findings);
  },
});
