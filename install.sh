#!/bin/sh
# Installs runner-warden on a GitLab runner host: the program under /opt/runner-warden, the
# `runner-warden` command, a commented default config, and the hardened systemd unit, enabled
# and started when systemd runs the machine. Safe to run again (an existing config is kept).
#
#   ./install.sh [--prefix DIR] [--dry-run]     install or update
#   ./install.sh --uninstall                    remove everything except the state dir
#   ./install.sh --purge                        remove everything, state dir included
#
# --prefix DIR (or DESTDIR=DIR) installs into a staging root for packaging and tests: paths
# inside the files stay the final ones, and nothing is started.
set -eu

MIN_NODE="20.18.1"
APP_DIR="/opt/runner-warden"
BIN="/usr/local/bin/runner-warden"
CONFIG_DIR="/etc/runner-warden"
UNIT_DIR="/etc/systemd/system"
UNIT_NAME="runner-warden.service"
STATE_DIR="/var/lib/runner-warden"
LOG_DIR="/var/log/runner-warden"

action="install"
dry_run=0
prefix="${DESTDIR:-}"
source_dir="$(cd "$(dirname "$0")" && pwd)"

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
  echo "Options: --prefix DIR, --source DIR (built tree, default: this script's dir), --dry-run, --uninstall, --purge, --help"
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; prefix="$2"; shift 2 ;;
    --prefix=*) prefix="${1#--prefix=}"; shift ;;
    --source) [ $# -ge 2 ] || { echo "install.sh: --source needs a directory" >&2; exit 2; }; source_dir="$2"; shift 2 ;;
    --source=*) source_dir="${1#--source=}"; shift ;;
    --dry-run) dry_run=1; shift ;;
    --uninstall) action="uninstall"; shift ;;
    --purge) action="purge"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
prefix="${prefix%/}"
root="${prefix:-/}"

say() {
  if [ "$dry_run" -eq 1 ]; then printf 'runner-warden (dry run, nothing changed): %s\n' "$*"; else printf 'runner-warden: %s\n' "$*"; fi
}
# Runs a command, or only prints it with --dry-run.
run() {
  if [ "$dry_run" -eq 1 ]; then printf 'would run: %s\n' "$*"; else "$@"; fi
}

systemd_running() { [ -z "$prefix" ] && [ -d /run/systemd/system ]; }

# --- Node.js ------------------------------------------------------------------
version_ge() { # $1 >= $2, dotted numbers
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -t. -k1,1n -k2,2n -k3,3n | head -n 1)" = "$2" ]
}

find_node() {
  node_bin="${NODE:-}"
  if [ -n "$node_bin" ] && [ ! -x "$node_bin" ]; then
    echo "runner-warden: missing Node.js: NODE=$node_bin is not an executable file. Install Node.js >= $MIN_NODE or fix NODE." >&2
    exit 1
  fi
  if [ -z "$node_bin" ]; then node_bin="$(command -v node 2>/dev/null || true)"; fi
  if [ -z "$node_bin" ]; then
    echo "runner-warden: missing Node.js: no 'node' in PATH ($PATH). Install Node.js >= $MIN_NODE (for example from https://nodejs.org or the NodeSource packages), or set NODE=/path/to/node." >&2
    exit 1
  fi
  node_version="$("$node_bin" --version 2>/dev/null | sed 's/^v//')"
  case "$node_version" in
    [0-9]*.[0-9]*.[0-9]*) ;;
    *) echo "runner-warden: $node_bin does not report a Node.js version (got '$node_version'); install Node.js >= $MIN_NODE." >&2; exit 1 ;;
  esac
  if ! version_ge "$node_version" "$MIN_NODE"; then
    echo "runner-warden: Node.js $node_version at $node_bin is too old: runner-warden needs >= $MIN_NODE. Upgrade Node.js, or set NODE=/path/to/a/newer/node." >&2
    exit 1
  fi
  case "$node_bin" in
    /*) ;;
    *) node_bin="$(cd "$(dirname "$node_bin")" && pwd)/$(basename "$node_bin")" ;;
  esac
}

# --- install ------------------------------------------------------------------
write_default_config() {
  cat <<'TOML'
# runner-warden config. Every key is optional; the commented values are the defaults.
# Unknown keys are errors, so a typo cannot silently disable a control.
# After editing: systemctl reload runner-warden (a bad config is reported and the old one kept).

[scan]
# root = "/"                          # host root every file is read under
# collector_timeout_seconds = 30

[docker]
# enabled = true
# socket = "/var/run/docker.sock"

[network]
# metadata_probes = "auto"            # auto | always | never

[agent]
# schedule = "0 * * * *"              # node-cron expression (5 fields, or 6 with seconds)
# splay_seconds = 300                 # random delay per scan, so a fleet does not scan in lockstep
# state_dir = "/var/lib/runner-warden"
# log_file = "/var/log/runner-warden/agent.log"   # JSON lines also go to stdout (the journal)
# log_level = "info"
# scan_timeout_seconds = 600          # a scan past this is killed and reported
# scan_memory_max_mb = 320            # a scan child above this resident size is killed and reported
# scan_heap_max_mb = 160

[agent.ship]
# Set url to ship events to a receiver (docs/protocol.md); without it events go to the log only.
# url = "https://findings.example.com/v1/events"
# token_file = "/etc/runner-warden/token"   # bearer token, one line, mode 0600 (never inline here)
# ca_file = "/etc/runner-warden/ca.pem"     # CA of the receiver (replaces the system CAs)
# cert_file = "/etc/runner-warden/client.pem"   # client certificate and key for mutual TLS
# key_file = "/etc/runner-warden/client-key.pem"
# gzip = false
# batch_max_events = 500
# request_timeout_seconds = 30
# backoff_max_seconds = 300
# spool_max_bytes = 67108864          # 64 MiB; when full the oldest go and a spool.loss event counts them
TOML
}

install_files() {
  [ -f "$source_dir/dist/agent/cli/main.js" ] || {
    echo "runner-warden: $source_dir has no dist/agent/cli/main.js: build first (npm ci && npm run build), or point --source at a built tree." >&2
    exit 1
  }
  [ -d "$source_dir/node_modules" ] || {
    echo "runner-warden: $source_dir has no node_modules: run 'npm ci --omit=dev' there first." >&2
    exit 1
  }
  [ -f "$source_dir/systemd/$UNIT_NAME" ] || { echo "runner-warden: $source_dir/systemd/$UNIT_NAME is missing." >&2; exit 1; }

  say "installing into ${root} (program in $APP_DIR, node $node_bin, v$node_version)"
  run mkdir -p "$prefix$APP_DIR" "$prefix$(dirname "$BIN")" "$prefix$UNIT_DIR" "$prefix$UNIT_DIR/multi-user.target.wants"
  # Replace the program wholesale, so files removed upstream do not linger.
  for part in dist node_modules docs package.json; do
    [ -e "$source_dir/$part" ] || continue
    run rm -rf "$prefix$APP_DIR/$part"
    run cp -R "$source_dir/$part" "$prefix$APP_DIR/$part"
  done

  if [ "$dry_run" -eq 1 ]; then
    echo "would write: $prefix$BIN"
  else
    printf '#!/bin/sh\nexec %s %s/dist/agent/cli/main.js "$@"\n' "$node_bin" "$APP_DIR" >"$prefix$BIN"
    chmod 0755 "$prefix$BIN"
    # Native or portable file access (a build without a C compiler is slower on big build dirs): say which.
    access=$("$node_bin" "$prefix$APP_DIR/dist/agent/cli/main.js" --version 2>/dev/null | sed -n 's/^file access: //p' || true)
    if [ -n "$access" ]; then say "file access: $access"; fi
  fi

  run mkdir -p "$prefix$CONFIG_DIR"
  run chmod 0700 "$prefix$CONFIG_DIR"
  if [ -e "$prefix$CONFIG_DIR/config.toml" ]; then
    say "keeping the existing $CONFIG_DIR/config.toml"
  elif [ "$dry_run" -eq 1 ]; then
    echo "would write: $prefix$CONFIG_DIR/config.toml (commented defaults)"
  else
    (umask 077 && write_default_config >"$prefix$CONFIG_DIR/config.toml")
  fi

  if [ "$dry_run" -eq 1 ]; then
    echo "would write: $prefix$UNIT_DIR/$UNIT_NAME"
  else
    sed "s#^ExecStart=/usr/bin/node #ExecStart=$node_bin #" "$source_dir/systemd/$UNIT_NAME" >"$prefix$UNIT_DIR/$UNIT_NAME"
    chmod 0644 "$prefix$UNIT_DIR/$UNIT_NAME"
  fi
  run mkdir -p "$prefix$STATE_DIR" "$prefix$LOG_DIR"
  run chmod 0700 "$prefix$STATE_DIR" "$prefix$LOG_DIR"

  if systemd_running; then
    run systemctl daemon-reload
    run systemctl enable "$UNIT_NAME"
    run systemctl restart "$UNIT_NAME"
    say "installed; the agent runs as $UNIT_NAME (journalctl -u runner-warden -f)"
  else
    # Enabled the way systemctl enable does it, so it starts at the next boot under systemd.
    run ln -sfn "$UNIT_DIR/$UNIT_NAME" "$prefix$UNIT_DIR/multi-user.target.wants/$UNIT_NAME"
    if [ -n "$prefix" ]; then
      say "installed into $prefix; unit enabled there, nothing started (staging root)"
    else
      say "systemd is not running as PID 1 here: the unit is installed and enabled for the next boot, but not started."
      say "to run the agent now: $BIN agent --config $CONFIG_DIR/config.toml"
    fi
  fi
}

# --- uninstall ----------------------------------------------------------------
remove_files() {
  if systemd_running; then
    run systemctl disable --now "$UNIT_NAME" || true
  fi
  for path in "$UNIT_DIR/multi-user.target.wants/$UNIT_NAME" "$UNIT_DIR/$UNIT_NAME" "$BIN" "$APP_DIR" "$CONFIG_DIR" "$LOG_DIR"; do
    if [ -e "$prefix$path" ] || [ -L "$prefix$path" ]; then run rm -rf "$prefix$path"; fi
  done
  if systemd_running; then run systemctl daemon-reload; fi
  if [ "$action" = "purge" ]; then
    if [ -e "$prefix$STATE_DIR" ]; then run rm -rf "$prefix$STATE_DIR"; fi
    say "removed, state dir $STATE_DIR included"
  else
    say "removed; the state dir $STATE_DIR (differential state, undelivered events) is kept; --purge removes it"
  fi
}

if [ -n "$prefix" ] && [ ! -d "$prefix" ]; then
  echo "runner-warden: prefix $prefix is not a directory" >&2
  exit 2
fi
if [ -z "$prefix" ] && [ "$dry_run" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
  echo "runner-warden: installing into / needs root (or use --prefix DIR / --dry-run)" >&2
  exit 1
fi

case "$action" in
  install) find_node; install_files ;;
  uninstall|purge) remove_files ;;
esac
