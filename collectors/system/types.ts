/** Facts about users, sudo, SSH keys and build dirs: filled in by the system collector (issue 5). */
export interface SystemFacts {
  users: { name: string; uid: number; gid: number; home: string; shell: string }[];
}
