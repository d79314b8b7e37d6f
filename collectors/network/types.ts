/**
 * Facts about the host's network exposure (issue 6): which cloud it runs in, whether job
 * network namespaces reach the cloud metadata service, which firewall rules guard it, and
 * which sockets (Docker API, runner metrics and session server, sshd) listen where.
 * Nothing here holds a credential: probes keep status codes and a few named headers only.
 */

/** Clouds whose instance metadata service runner-warden knows how to recognise and probe. */
export const CLOUD_PROVIDERS = ['aws', 'gcp', 'azure', 'openstack', 'oracle', 'alibaba', 'digitalocean', 'hetzner'] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];

/** `none`: DMI names hardware or a hypervisor with no metadata service we know; `unknown`: DMI unreadable or generic. */
export type CloudVerdict = CloudProvider | 'none' | 'unknown';

/** DMI fields read from /sys/class/dmi/id under the host root. */
export const DMI_FIELDS = ['sys_vendor', 'product_name', 'bios_vendor', 'bios_version', 'board_asset_tag', 'chassis_asset_tag'] as const;
export type DmiField = (typeof DMI_FIELDS)[number];

export interface CloudDetection {
  /** The verdict, reached without any network traffic. */
  provider: CloudVerdict;
  /** The markers that decided it, e.g. `sys_vendor = "Amazon EC2"`; empty for `unknown`. */
  evidence: string[];
  /** Each DMI value as read (trimmed, sanitised, bounded); null when absent or unreadable. */
  dmi: Record<DmiField, string | null>;
  /** /sys/hypervisor/type (e.g. "xen"); null when absent. */
  hypervisorType: string | null;
  /** Whether /sys/hypervisor/uuid starts with "ec2" (old Xen EC2 instances); the uuid itself is not kept. */
  hypervisorUuidEc2: boolean;
}

/** Where a probe ran from: the host's own network namespace or the one a running job container uses. */
export type VantageKind = 'host' | 'job-container';

/** TCP connect outcome. `guarded`: refused before any packet because the target is a real metadata address under test. */
export type ConnectOutcome = 'connected' | 'refused' | 'timeout' | 'unreachable' | 'error' | 'guarded';

/** One HTTP request of a probe. The body is never read: the connection is dropped once the response head is in, and body bytes that came with it are zeroed. */
export interface HttpExchange {
  /** Method and path, e.g. "PUT /latest/api/token". Never includes a token. */
  request: string;
  /** `response`: a status line and headers arrived before the deadline. */
  outcome: 'response' | 'timeout' | 'closed' | 'error' | 'malformed';
  /** HTTP status, null without a response. */
  status: number | null;
  /** A few allow-listed, non-secret response headers (server, content-type, metadata-flavor), lower-case names, sanitised values. */
  headers: Record<string, string>;
  /** Milliseconds from sending the request to the end of the exchange. */
  durationMs: number;
}

/** AWS IMDS specifics of one probe. */
export interface ImdsProbe {
  /** GET without a session token answered 2xx: IMDSv1 is enabled (any process reaching it gets metadata). */
  v1Answers: boolean;
  /** Outcome of the IMDSv2 token PUT: `issued` (2xx, body discarded unread), `refused` (non-2xx), `no-answer` (timeout or closed: typical of a hop limit too low for this vantage). */
  v2Token: 'issued' | 'refused' | 'no-answer' | 'not-tried';
}

export interface MetadataProbe {
  /** The cloud whose metadata service this target stands for. */
  cloud: CloudProvider;
  /** host:port contacted (IPv6 in brackets). */
  target: string;
  /** True when the target came from `network.metadata_targets` instead of the built-in list. */
  overridden: boolean;
  /** How the TCP connect to the target ended (the first request's connection). */
  connect: ConnectOutcome;
  /** The HTTP requests made after a successful connect, in order. */
  exchanges: HttpExchange[];
  /** The service handed metadata (or an IMDSv2 session token) to this vantage: what a job needs to go on to credentials. */
  answered: boolean;
  /** Only for aws targets. */
  imds?: ImdsProbe;
  /** Whole probe duration, bounded by `network.probe_timeout_ms`. */
  durationMs: number;
}

export interface ProbeVantage {
  /** `host`, or `container:<name>` for a job container's namespace. */
  id: string;
  /** The host's own namespace, or a job container's. */
  kind: VantageKind;
  /** For `job-container`: the container whose network namespace was entered (nsenter --net). */
  container?: { name: string; id: string; pid: number; networkMode: string };
  /** Why jobs run in this namespace (e.g. 'runner "x" uses the shell executor', 'container y uses network_mode host'); empty when none is known. */
  jobsHere: string[];
  /** `probed`, or `failed` when the vantage could not be entered (nsenter error, child died). */
  status: 'probed' | 'failed';
  /** Sanitised reason when status is failed. */
  error?: string;
  /** One probe per target, in the order the targets were planned. */
  probes: MetadataProbe[];
}

/** Why metadata probes did or did not run. */
export type ProbeStatus =
  | 'probed'
  /** `network.metadata_probes = "never"`. */
  | 'disabled'
  /** The host root is not "/": an offline image is never probed. */
  | 'offline-root'
  /** Mode auto on bare metal or an unknown host: nothing at all is sent. */
  | 'no-cloud-detected';

export interface MetadataFacts {
  /** The configured mode (auto, always, never). */
  mode: 'auto' | 'always' | 'never';
  /** Whether probes ran, and if not, why. */
  status: ProbeStatus;
  /** The clouds whose targets were probed. */
  clouds: CloudProvider[];
  /** Host and job-container vantages, each with its probes; empty unless status is probed. */
  vantages: ProbeVantage[];
  /** Why no job-container vantage was probed, when none was (e.g. "no running job container"); null otherwise. */
  jobVantageMissing: string | null;
  /**
   * AWS PUT response hop limit as the probes reveal it: `one` when the host gets a token but a
   * bridged job container gets no answer to its PUT while its GET is answered; `above-one` when
   * a bridged job container gets a token; null when not visible.
   */
  awsHopLimit: 'one' | 'above-one' | null;
}

/** A firewall rule that drops or rejects traffic to a metadata address. */
export interface MetadataFirewallRule {
  /** The ruleset the rule was read from: iptables, ip6tables (both iptables-save format) or nft. */
  tool: 'iptables' | 'ip6tables' | 'nft';
  /** iptables table (filter, raw, mangle, nat) or nft "family table". */
  table: string;
  /** Chain holding the rule (DOCKER-USER, FORWARD, an nft chain name). */
  chain: string;
  /**
   * Netfilter hooks whose traffic reaches this rule, lower-case (forward, prerouting, input, output):
   * an nft base chain's hook, or the iptables built-in chains that jump here (FORWARD for DOCKER-USER).
   * Empty when no base chain leads to it (the rule never sees a packet).
   */
  hooks: string[];
  /** The verdict: the packet is dropped silently or rejected. */
  action: 'drop' | 'reject';
  /** Destination the rule matches, as written (e.g. "169.254.169.254/32", "169.254.0.0/16"). */
  destination: string;
  /** The metadata addresses that destination covers. */
  covers: string[];
  /** Source match, as written; null when the rule matches every source. */
  source: string | null;
  /** Input interface match (e.g. "docker0", "br-+"); null when none. */
  inInterface: string | null;
  /** The rule line, sanitised and bounded. */
  text: string;
}

export interface FirewallSource {
  /** The live ruleset dumped by a tool (only when the host root is "/"), or a persisted rules file under an offline root. */
  tool: 'iptables-save' | 'ip6tables-save' | 'nft' | 'iptables-file' | 'nftables-file';
  /** Binary or file path. */
  path: string;
  /** `read`; `absent` when the binary or file is not there; `failed` on error, timeout or non-zero exit. */
  status: 'read' | 'absent' | 'failed';
  /** Sanitised reason when failed. */
  message?: string;
  /** Output was cut at the size bound. */
  truncated: boolean;
}

export interface FirewallFacts {
  /** Every ruleset source tried, read or not, so "no rule found" says where it was looked for. */
  sources: FirewallSource[];
  /** Rules that drop or reject traffic to a metadata address, from every source read. */
  metadataRules: MetadataFirewallRule[];
}

/** What a listening socket was recognised as. */
export type SocketRole = 'docker-api' | 'runner-metrics' | 'runner-session-server' | 'runner-other' | 'sshd' | 'other';

/** How a listener is bound: every interface, loopback only, a specific address, or a unix path. */
export type BindScope = 'all-interfaces' | 'loopback' | 'specific' | 'unix';

export interface SocketOwner {
  /** Process id on the host (as seen under the root's /proc). */
  pid: number;
  /** /proc/<pid>/comm, sanitised. */
  command: string;
}

/** What a plain request to a Docker API socket over loopback showed (only on a live host). */
export type DockerApiAccess =
  /** /_ping answered over plain HTTP: no TLS, no authentication. */
  | 'open-plaintext'
  /** TLS, and /_ping answered without a client certificate: TLS without client verification. */
  | 'open-tls-without-client-cert'
  /** TLS handshake or request refused without a client certificate: --tlsverify in effect. */
  | 'client-cert-required'
  /** Something answered, but not like the Docker API. */
  | 'not-docker'
  | 'no-answer'
  /** Not probed: offline root, unix socket, or bound only to a non-loopback address (never contacted). */
  | 'not-probed';

export interface ListeningSocket {
  /** Where the listener was found: /proc/net/tcp, tcp6 or unix. */
  protocol: 'tcp' | 'tcp6' | 'unix';
  /** Bound address (0.0.0.0, ::, 127.0.0.1, ::ffff:…), or the unix path ("@name" for abstract sockets). */
  address: string;
  /** TCP port; null for unix sockets. */
  port: number | null;
  /** Every interface, loopback only, one specific address, or a unix path. */
  scope: BindScope;
  /** Socket inode from /proc/net/*, the key to its owners. */
  inode: number;
  /** Processes holding it open (found through /proc/<pid>/fd); empty when none was found. */
  owners: SocketOwner[];
  /** What the listener was recognised as, by owner process and configured or conventional port. */
  role: SocketRole;
  /**
   * For docker-api tcp sockets: TLS client verification as configured, from dockerd's command line
   * (`--tlsverify`, `--tlsverify=false`), else daemon.json as the docker collector read it; null when neither says.
   */
  dockerTlsVerify?: boolean | null;
  /** For docker-api tcp sockets: what a loopback /_ping showed. */
  dockerApiAccess?: DockerApiAccess;
}

export interface SocketFacts {
  /** Whether /proc/net/tcp could be read under the root (false on an offline image: nothing was observed). */
  observed: boolean;
  /** Every TCP listener, and the unix listeners that matter here (docker.sock, gitlab-runner's, sshd's). */
  listening: ListeningSocket[];
  /** More listeners or processes than the bounds allow: the list is incomplete. */
  truncated: boolean;
  /** Whether socket inodes could be mapped to processes (/proc/<pid>/fd readable under the root). */
  ownersMapped: boolean;
}

export interface NetworkFacts {
  /** Which cloud the host runs in, from DMI. */
  cloud: CloudDetection;
  /** Metadata probes from the host and job network namespaces. */
  metadata: MetadataFacts;
  /** Firewall rules that guard the metadata addresses. */
  firewall: FirewallFacts;
  /** Listening sockets and their owners. */
  sockets: SocketFacts;
  /** Partial trouble (a file unreadable, a process vanished): sanitised, bounded messages. */
  errors: string[];
}
