#!/usr/bin/env bash
# SwarmPS test lab: N Debian 12 "hosts" (systemd + sshd + their own Docker
# engine) running as containers inside one outer Docker engine.
# Why it is built this way (cgroup v1, no registry, no --privileged):
# see LAB-NOTES.md in the project's shared notes.
#
#   lab.sh up [--nodes N]   create/verify N nodes (default 3, max 16; env SWARMPS_LAB_NODES)
#   lab.sh reset            return every node to bare in seconds (host keys kept)
#   lab.sh down             remove nodes, volumes, network; stop the engine if we started it
#   lab.sh status           lab.json path, then "name address running|stopped" per node
#   lab.sh check            PASS/FAIL self-test of every node
#
# Env: SWARMPS_LAB_DIR (default <repo>/out/lab), SWARMPS_LAB_NODES,
#      SWARMPS_LAB_CACHE (default /var/cache/swarmps-lab), SWARMPS_LAB_BOOT_TIMEOUT (s).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
LAB_DIR=${SWARMPS_LAB_DIR:-$SCRIPT_DIR/../../out/lab}
CACHE_DIR=${SWARMPS_LAB_CACHE:-/var/cache/swarmps-lab}
BOOT_TIMEOUT=${SWARMPS_LAB_BOOT_TIMEOUT:-180}

readonly SUITE=bookworm # systemd 252 still boots on cgroup v1; trixie's does not
readonly NODE_IMAGE=swarmps-lab/node:bookworm
readonly BUSYBOX_IMAGE=swarmps/busybox:latest
readonly NETWORK=swarmps-lab
readonly BRIDGE=swarmps-lab0 # fixed name so the firewall rule can name it
readonly SUBNET=10.213.7.0/24
readonly NET_PREFIX=10.213.7
readonly GATEWAY=10.213.7.1
readonly LAB_USER=core
readonly MAX_NODES=16
readonly NODE_LABEL=swarmps-lab.node
# The lab's registry (Debian's docker-registry: the CNCF distribution server) listens on the lab bridge's own
# address, with TLS from a lab CA that every node's engine trusts and htpasswd authentication.
readonly REGISTRY_PORT=5443
readonly REGISTRY=$GATEWAY:$REGISTRY_PORT
readonly REGISTRY_USER=swarmps
readonly REGISTRY_IMAGE=$REGISTRY/swarmps/busybox:latest
readonly INCLUDE_PKGS=systemd,systemd-sysv,dbus,openssh-server,docker.io,iproute2,sudo,ca-certificates,curl,procps,iptables

# The lab owns or reuses exactly the engine on the default socket.
export DOCKER_HOST=unix:///var/run/docker.sock
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

CLEANUP_DIRS=()
# shellcheck disable=SC2317 # only called by the EXIT trap
cleanup() {
	local d
	for d in "${CLEANUP_DIRS[@]}"; do safe_rm "$d"; done
}
trap cleanup EXIT

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
	log "ERROR: $*"
	exit 1
}

usage() {
	cat >&2 <<-'EOF'
		usage: lab.sh up [--nodes N] | down | reset | status | check
	EOF
	exit 2
}

require_root() {
	[[ $EUID -eq 0 ]] || die "must run as root (it starts dockerd and builds a rootfs)"
}

# need CMD PACKAGE...: fail clearly, naming the Debian package to install.
need() {
	local missing=() cmd pkg
	while (($#)); do
		cmd=$1 pkg=$2
		shift 2
		command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd (apt package $pkg)")
	done
	((${#missing[@]} == 0)) || die "missing tools: ${missing[*]}"
}

node_name() { printf 'core-%02d' "$1"; }
node_addr() { printf '%s.%d' "$NET_PREFIX" "$((100 + $1))"; }
node_ctr() { printf 'swarmps-lab-core-%02d' "$1"; }
node_vol() { printf 'swarmps-lab-core-%02d-docker' "$1"; }

init_lab_dir() {
	mkdir -p "$LAB_DIR"
	LAB_DIR=$(cd "$LAB_DIR" && pwd -P)
	chmod 700 "$LAB_DIR"
	KEY=$LAB_DIR/id_ed25519
	PASS_FILE=$LAB_DIR/password
	KNOWN_HOSTS=$LAB_DIR/known_hosts
	LAB_JSON=$LAB_DIR/lab.json
	BUSYBOX_TAR=$LAB_DIR/busybox.tar
	ENGINE_PID=$LAB_DIR/dockerd.pid
	ENGINE_MARK=$LAB_DIR/dockerd.started-by-lab
	ENGINE_LOG=$LAB_DIR/dockerd.log
	REG_DIR=$LAB_DIR/registry
	REG_CA=$REG_DIR/ca.crt
	REG_PASS_FILE=$REG_DIR/password
	REG_PID=$REG_DIR/registry.pid
	REG_LOG=$REG_DIR/registry.log
}

# One lab operation at a time: two ups racing would fight over the same containers.
lock_lab() {
	exec 9>"$LAB_DIR/.lock"
	flock -w 900 9 || die "another lab.sh holds $LAB_DIR/.lock"
}

# Unmount whatever is mounted below DIR (a killed debootstrap leaves /proc, /sys
# there), then delete it without crossing into other filesystems.
safe_rm() {
	local dir=$1 mp
	[[ -e $dir ]] || return 0
	while read -r mp; do
		umount -l "$mp" 2>/dev/null || true
	done < <(mounts_below "$dir")
	rm -rf --one-file-system "$dir"
}

# Mount points strictly below DIR, deepest first.
mounts_below() {
	awk -v p="$1/" 'index($5, p) == 1 { print $5 }' /proc/self/mountinfo | sort -r
}

ensure_credentials() {
	if [[ ! -s $KEY || ! -s $KEY.pub ]]; then
		rm -f "$KEY" "$KEY.pub"
		ssh-keygen -q -t ed25519 -N '' -C swarmps-lab -f "$KEY"
		log "generated lab key $KEY"
	fi
	chmod 600 "$KEY"
	if [[ ! -s $PASS_FILE ]]; then
		# Fixed-size read: no SIGPIPE under pipefail; tr keeps it shell/URL friendly.
		(umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' 'xy' >"$PASS_FILE")
	fi
	chmod 600 "$PASS_FILE"
	PASSWORD=$(<"$PASS_FILE")
}

# ---------------------------------------------------------------- outer engine

engine_ok() { timeout 20 docker info >/dev/null 2>&1; }

# host_proc_is PID COMM: PID is alive in *our* pid namespace and runs COMM.
# (Node containers run their own dockerd; those must never count.)
host_proc_is() {
	local pid=$1 comm=$2
	[[ $pid =~ ^[0-9]+$ && -r /proc/$pid/comm ]] || return 1
	[[ $(<"/proc/$pid/comm") == "$comm" ]] || return 1
	[[ $(readlink "/proc/$pid/ns/pid") == "$(readlink /proc/self/ns/pid)" ]]
}

host_dockerd_pids() {
	local pid
	for pid in $(pgrep -x dockerd || true); do
		host_proc_is "$pid" dockerd && echo "$pid"
	done
	return 0
}

read_pid() {
	if [[ -f $1 ]]; then tr -dc 0-9 <"$1"; fi
	return 0
}

ensure_engine() {
	local ours pid
	ours=$(read_pid "$ENGINE_PID")
	if engine_ok; then
		if [[ -e $ENGINE_MARK ]] && ! host_proc_is "$ours" dockerd; then
			rm -f "$ENGINE_MARK" # the engine answering is not the one we started
		fi
		if [[ -e $ENGINE_MARK ]]; then
			log "outer engine: ours (pid $ours)"
		else
			log "outer engine: existing, reused"
		fi
		return 0
	fi
	# Our own dockerd may still be starting (or stopping): give it time.
	if host_proc_is "$ours" dockerd; then
		log "outer engine: waiting for our dockerd (pid $ours)"
		wait_engine 60 && return 0
		die "our dockerd (pid $ours) does not answer on /var/run/docker.sock; see $ENGINE_LOG"
	fi
	pid=$(host_dockerd_pids | head -n1)
	if [[ -n $pid ]]; then
		log "outer engine: waiting for running dockerd pid $pid"
		wait_engine 30 && return 0
		die "a dockerd (pid $pid) runs but does not answer on /var/run/docker.sock: stop it or fix it"
	fi
	start_engine
}

wait_engine() {
	local deadline=$((SECONDS + $1))
	while ((SECONDS < deadline)); do
		engine_ok && return 0
		sleep 0.5
	done
	return 1
}

# Leftovers of an engine killed abruptly (no dockerd runs when this is called).
cleanup_stale_engine_state() {
	local f pid mp
	for f in /var/run/docker.pid "$ENGINE_PID" /var/run/docker/containerd/containerd.pid; do
		[[ -f $f ]] || continue
		pid=$(read_pid "$f")
		if ! host_proc_is "$pid" dockerd && ! host_proc_is "$pid" containerd; then
			log "removing stale pid file $f"
			rm -f "$f"
		fi
	done
	if [[ -e /var/run/docker.sock ]]; then
		log "removing stale /var/run/docker.sock"
		rm -f /var/run/docker.sock
	fi
	while read -r mp; do
		log "unmounting leftover $mp"
		umount -l "$mp" 2>/dev/null || true
	done < <(mounts_below /var/lib/docker; mounts_below /run/docker)
}

start_engine() {
	local attempt launched
	need dockerd docker.io containerd containerd runc runc iptables iptables
	for attempt in 1 2; do
		cleanup_stale_engine_state
		log "outer engine: starting dockerd (log $ENGINE_LOG)"
		: >"$ENGINE_MARK"
		# setsid: the engine must outlive this script and its terminal.
		# 9>&-: the engine must not inherit (and hold forever) the lab lock.
		setsid dockerd --pidfile "$ENGINE_PID" >>"$ENGINE_LOG" 2>&1 </dev/null 9>&- &
		launched=$!
		if wait_engine 90; then
			log "outer engine: dockerd pid $(read_pid "$ENGINE_PID") answers"
			return 0
		fi
		stop_engine quiet
		# It may have hung before writing its pid file: end the one we launched.
		if host_proc_is "$launched" dockerd; then
			kill -KILL "$launched" 2>/dev/null || true
			sleep 1
		fi
		if ((attempt == 1)) && ip link show docker0 >/dev/null 2>&1; then
			# A docker0 left with an address dockerd dislikes blocks start-up; it re-creates it.
			log "dockerd did not come up; retrying without the leftover docker0 bridge"
			ip link delete docker0 || true
		fi
	done
	tail -n 20 "$ENGINE_LOG" >&2 || true
	die "dockerd did not start; see $ENGINE_LOG"
}

# Stop the outer engine if and only if this lab started it.
stop_engine() {
	local pid cpid i
	if [[ ! -e $ENGINE_MARK ]]; then
		if [[ ${1-} != quiet ]] && engine_ok; then log "outer engine: not started by lab.sh, left running"; fi
		return 0
	fi
	pid=$(read_pid "$ENGINE_PID")
	cpid=$(read_pid /var/run/docker/containerd/containerd.pid)
	if host_proc_is "$pid" dockerd; then
		log "outer engine: stopping dockerd pid $pid"
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 60; i++)); do
			host_proc_is "$pid" dockerd || break
			sleep 0.5
		done
		if host_proc_is "$pid" dockerd; then
			log "outer engine: dockerd ignored SIGTERM, killing it"
			kill -KILL "$pid" 2>/dev/null || true
			sleep 1
		fi
	fi
	# dockerd stops the containerd it spawned, unless it was killed.
	if host_proc_is "$cpid" containerd; then
		kill -TERM "$cpid" 2>/dev/null || true
	fi
	rm -f "$ENGINE_MARK"
}

# ---------------------------------------------------------------- node image

# Where apt gets SUITE from on this machine (never hard-coded: read at run time).
apt_mirror() {
	local suite=$1 f
	local -a found=()
	local list=() sources=()
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [[ -f $f ]] && list+=("$f"); done
	for f in /etc/apt/sources.list.d/*.sources; do [[ -f $f ]] && sources+=("$f"); done
	if ((${#list[@]})); then
		mapfile -t -O "${#found[@]}" found < <(awk -v s="$suite" '
			$1 == "deb" {
				i = 2
				if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == s) print $i
			}' "${list[@]}")
	fi
	if ((${#sources[@]})); then
		mapfile -t -O "${#found[@]}" found < <(awk -v s="$suite" '
			BEGIN { RS = ""; FS = "\n" }
			{
				t = ""; u = ""; su = ""; en = "yes"
				for (i = 1; i <= NF; i++) {
					l = $i
					if (l ~ /^[ \t]*#/ || l ~ /^[ \t]/) continue
					p = index(l, ":"); if (p == 0) continue
					k = tolower(substr(l, 1, p - 1)); v = substr(l, p + 1)
					gsub(/^[ \t]+|[ \t]+$/, "", v)
					if (k == "types") t = v; else if (k == "uris") u = v
					else if (k == "suites") su = v; else if (k == "enabled") en = tolower(v)
				}
				if (en == "no" || (" " t " ") !~ / deb / || (" " su " ") !~ (" " s " ")) next
				split(u, a, /[ \t]+/); print a[1]
			}' "${sources[@]}")
	fi
	for f in "${found[@]}"; do
		[[ $f =~ ^(https?|ftp|file):// ]] && {
			echo "${f%/}"
			return 0
		}
	done
	return 1
}

# The whole recipe for the node tree. Its text is hashed into the image, so an
# edit here rebuilds the image on the next `up` instead of reusing a stale one.
configure_rootfs() {
	local root=$1 u
	# Units that cannot work in a container; masked so the node reports "running".
	local mask=(
		getty.target getty@.service serial-getty@.service console-getty.service getty-static.service
		systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket
		systemd-udev-trigger.service systemd-udev-settle.service systemd-hwdb-update.service
		systemd-modules-load.service systemd-remount-fs.service systemd-firstboot.service
		sys-kernel-config.mount sys-kernel-debug.mount sys-kernel-tracing.mount
		sys-fs-fuse-connections.mount proc-sys-fs-binfmt_misc.automount
		proc-sys-fs-binfmt_misc.mount systemd-binfmt.service
		apt-daily.timer apt-daily-upgrade.timer
	)

	# Each node makes its own host keys at first boot (the image carries none).
	rm -f "$root"/etc/ssh/ssh_host_*
	cat >"$root/etc/systemd/system/swarmps-lab-hostkeys.service" <<-'EOF'
		[Unit]
		Description=Generate this node's SSH host keys
		Before=ssh.service

		[Service]
		Type=oneshot
		ExecStart=/usr/bin/ssh-keygen -A
		RemainAfterExit=yes

		[Install]
		WantedBy=multi-user.target ssh.service
	EOF
	# No resolver upstream of a node can answer (no outside network), and Docker's
	# embedded DNS lets such queries time out (20 s per registry lookup in
	# `docker service create`). A dead local resolver fails at once; node names
	# come from --add-host entries in /etc/hosts instead.
	cat >"$root/etc/systemd/system/swarmps-lab-dns.service" <<-'EOF'
		[Unit]
		Description=Lab DNS: fail lookups at once instead of timing out
		DefaultDependencies=no
		Before=sysinit.target containerd.service docker.service ssh.service

		[Service]
		Type=oneshot
		ExecStart=/bin/sh -c 'echo "nameserver 127.0.0.1" >/etc/resolv.conf'
		RemainAfterExit=yes

		[Install]
		WantedBy=sysinit.target
	EOF
	systemctl --root="$root" --quiet enable swarmps-lab-hostkeys.service swarmps-lab-dns.service
	for u in "${mask[@]}"; do ln -sfn /dev/null "$root/etc/systemd/system/$u"; done

	# The CoreOS-like login user: key or password, passwordless sudo, docker group.
	useradd --root "$root" --create-home --shell /bin/bash --groups sudo,docker "$LAB_USER"
	printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$LAB_USER" >"$root/etc/sudoers.d/90-swarmps-lab"
	chmod 440 "$root/etc/sudoers.d/90-swarmps-lab"
	cat >"$root/etc/ssh/sshd_config.d/10-swarmps-lab.conf" <<-'EOF'
		PasswordAuthentication yes
		PubkeyAuthentication yes
		UseDNS no
	EOF

	# Empty machine-id: systemd gives each container its own at boot.
	: >"$root/etc/machine-id"
	rm -f "$root/var/lib/dbus/machine-id"
	# Nodes have no outside network; drop apt's sources (they name a mirror) and caches.
	rm -rf "$root"/etc/apt/sources.list "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
		"$root"/var/cache/apt/archives/*.deb
}

recipe_hash() {
	{
		declare -f configure_rootfs
		echo "$SUITE $INCLUDE_PKGS"
	} | sha256sum | cut -c1-16
}

node_image_current() {
	docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$NODE_IMAGE" 2>/dev/null |
		grep -x "SWARMPS_LAB_RECIPE=$(recipe_hash)" >/dev/null # not -q: no SIGPIPE under pipefail
}

ensure_node_image() {
	if node_image_current; then
		log "node image $NODE_IMAGE present"
		return 0
	fi
	need debootstrap debootstrap tar tar
	local raw tree mirror keyring="" start=$SECONDS line
	mkdir -p "$CACHE_DIR"
	raw=$CACHE_DIR/$SUITE-minbase-$(echo "$INCLUDE_PKGS" | sha256sum | cut -c1-12).tar
	tree=$CACHE_DIR/rootfs.tmp
	CLEANUP_DIRS+=("$tree")
	safe_rm "$tree"
	mkdir -p "$tree"
	if [[ -s $raw ]]; then
		log "node image: unpacking cached debootstrap tree $raw"
		tar -C "$tree" --numeric-owner -xpf "$raw"
	else
		mirror=$(apt_mirror "$SUITE") ||
			die "no apt source for '$SUITE' in /etc/apt/sources.list* (debootstrap needs apt's mirror)"
		[[ -r /usr/share/keyrings/debian-archive-keyring.gpg ]] &&
			keyring=--keyring=/usr/share/keyrings/debian-archive-keyring.gpg
		log "node image: debootstrap $SUITE from apt's mirror (about a minute; log $LAB_DIR/debootstrap.log)"
		# The log gets "<mirror>" instead of the host name.
		if ! debootstrap --variant=minbase --include="$INCLUDE_PKGS" ${keyring:+"$keyring"} \
			"$SUITE" "$tree" "$mirror" 2>&1 | while IFS= read -r line; do
				printf '%s\n' "${line//"$mirror"/<mirror>}"
			done >"$LAB_DIR/debootstrap.log"; then
			tail -n 20 "$LAB_DIR/debootstrap.log" >&2
			die "debootstrap failed; see $LAB_DIR/debootstrap.log"
		fi
		log "node image: debootstrap done in $((SECONDS - start)) s; caching the tree as $raw"
		tar -C "$tree" --numeric-owner -cf "$raw.part" . && mv -f "$raw.part" "$raw"
	fi
	configure_rootfs "$tree"
	log "node image: importing $NODE_IMAGE"
	# tar, not cp: keeps sudo's setuid bit and ownership.
	tar -C "$tree" --numeric-owner -c . |
		docker import -c 'CMD ["/sbin/init"]' -c 'ENV container=docker' \
			-c "ENV SWARMPS_LAB_RECIPE=$(recipe_hash)" - "$NODE_IMAGE" >/dev/null
	safe_rm "$tree"
	log "node image: built in $((SECONDS - start)) s"
}

# A rebuilt node image leaves the old one dangling (~600 MB): drop it once no
# node uses it any more.
prune_old_node_images() {
	local current id
	current=$(docker image inspect -f '{{.Id}}' "$NODE_IMAGE" 2>/dev/null) || return 0
	for id in $(docker images -q --no-trunc --filter dangling=true); do
		[[ $id != "$current" ]] || continue
		docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$id" 2>/dev/null |
			grep '^SWARMPS_LAB_RECIPE=' >/dev/null || continue
		if docker rmi "$id" >/dev/null 2>&1; then log "removed old node image ${id:7:12}"; fi
	done
}

# A tiny image from Debian's static busybox, saved once for loading into nodes.
ensure_busybox_tar() {
	[[ -s $BUSYBOX_TAR ]] && return 0
	if ! docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1; then
		local bb root applet
		bb=$(command -v busybox) || die "busybox missing (apt package busybox-static)"
		if ldd "$bb" >/dev/null 2>&1; then die "$bb is dynamically linked: install busybox-static"; fi
		root=$(mktemp -d "$LAB_DIR/busybox-root.XXXXXX")
		CLEANUP_DIRS+=("$root")
		mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,tmp,var/www}
		chmod 755 "$root"
		chmod 1777 "$root/tmp"
		install -m 755 "$bb" "$root/bin/busybox"
		# What `busybox --install -s` would do, without needing /proc in a chroot.
		for applet in $("$bb" --list-full); do
			[[ $applet == bin/busybox ]] || ln -sfn /bin/busybox "$root/$applet"
		done
		printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
		printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
		tar -C "$root" --numeric-owner -c . | docker import -c 'CMD ["sh"]' - "$BUSYBOX_IMAGE" >/dev/null
		safe_rm "$root"
		log "built $BUSYBOX_IMAGE"
	fi
	docker save -o "$BUSYBOX_TAR.part" "$BUSYBOX_IMAGE"
	mv -f "$BUSYBOX_TAR.part" "$BUSYBOX_TAR"
}

# ---------------------------------------------------------------- network

ensure_network() {
	local subnet ifc
	subnet=$(docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$NETWORK" 2>/dev/null || true)
	if [[ -n $subnet && $subnet != "$SUBNET" ]]; then
		log "network $NETWORK has subnet $subnet, re-creating it"
		remove_nodes_from 1
		docker network rm "$NETWORK" >/dev/null
		subnet=
	fi
	if [[ -z $subnet ]]; then
		# A bridge left by an engine whose state is gone would shadow the new one's route.
		for ifc in $(ip -o -4 addr show | awk -v p="$NET_PREFIX." 'index($4, p) == 1 { print $2 }'); do
			log "removing stray interface $ifc holding a $SUBNET address"
			ip link delete "$ifc" || true
		done
		docker network create --driver bridge --subnet "$SUBNET" --gateway "$GATEWAY" \
			-o com.docker.network.bridge.name="$BRIDGE" --label swarmps-lab=1 "$NETWORK" >/dev/null
		log "created network $NETWORK ($SUBNET)"
	fi
	ensure_firewall
}

# Nodes may talk to each other and to this machine, never beyond it (lab network
# rule). REJECT, not DROP: a registry or DNS lookup then fails at once instead of
# hanging for its timeout (`docker service create` looks up the registry).
FW_RULE=(-i "$BRIDGE" ! -o "$BRIDGE" -j REJECT)
ensure_firewall() {
	if ! iptables -n -L DOCKER-USER >/dev/null 2>&1; then
		log "warning: no DOCKER-USER iptables chain; outbound traffic of nodes is not blocked"
		return 0
	fi
	iptables -C DOCKER-USER "${FW_RULE[@]}" 2>/dev/null || iptables -I DOCKER-USER "${FW_RULE[@]}"
}

remove_firewall() {
	while iptables -C DOCKER-USER "${FW_RULE[@]}" 2>/dev/null; do
		iptables -D DOCKER-USER "${FW_RULE[@]}"
	done
}


# ---------------------------------------------------------------- registry

# CA, server certificate (SAN: the bridge address the nodes dial), htpasswd and config, made once.
ensure_registry_files() {
	install -d -m 700 "$REG_DIR" "$REG_DIR/data"
	if [[ ! -s $REG_CA || ! -s $REG_DIR/ca.key ]]; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
			-subj /CN=swarmps-lab-registry-ca -keyout "$REG_DIR/ca.key" -out "$REG_CA" 2>/dev/null
		rm -f "$REG_DIR/server.crt"
	fi
	if [[ ! -s $REG_DIR/server.crt ]]; then
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$GATEWAY" \
			-keyout "$REG_DIR/server.key" -out "$REG_DIR/server.csr" 2>/dev/null
		openssl x509 -req -in "$REG_DIR/server.csr" -CA "$REG_CA" -CAkey "$REG_DIR/ca.key" -CAcreateserial \
			-days 825 -out "$REG_DIR/server.crt" \
			-extfile <(printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$GATEWAY") 2>/dev/null
		rm -f "$REG_DIR/server.csr"
	fi
	if [[ ! -s $REG_PASS_FILE ]]; then
		(umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' 'xy' >"$REG_PASS_FILE")
		rm -f "$REG_DIR/htpasswd"
	fi
	REG_PASSWORD=$(<"$REG_PASS_FILE")
	if [[ ! -s $REG_DIR/htpasswd ]]; then
		# -i: the password comes on stdin, never on a command line. Bcrypt is all the registry reads.
		htpasswd -B -i -c "$REG_DIR/htpasswd" "$REGISTRY_USER" <<<"$REG_PASSWORD" 2>/dev/null
	fi
	cat >"$REG_DIR/config.yml" <<-EOF
		version: 0.1
		log:
		  level: warn
		storage:
		  filesystem:
		    rootdirectory: $REG_DIR/data
		  delete:
		    enabled: true
		http:
		  addr: $REGISTRY
		  tls:
		    certificate: $REG_DIR/server.crt
		    key: $REG_DIR/server.key
		auth:
		  htpasswd:
		    realm: swarmps-lab
		    path: $REG_DIR/htpasswd
	EOF
	chmod 600 "$REG_DIR"/*.key "$REG_DIR/config.yml" "$REG_DIR/htpasswd"
}

# Answers 401 to an anonymous /v2/ when it is up and asks for credentials.
registry_ok() {
	[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$REG_CA" "https://$REGISTRY/v2/") == 401 ]]
}

ensure_registry() {
	local pid i
	need docker-registry docker-registry htpasswd apache2-utils openssl openssl curl curl
	ensure_registry_files
	pid=$(read_pid "$REG_PID")
	if host_proc_is "$pid" docker-registry && registry_ok; then
		return 0
	fi
	stop_registry
	log "registry: starting on $REGISTRY (log $REG_LOG)"
	setsid docker-registry serve "$REG_DIR/config.yml" >>"$REG_LOG" 2>&1 </dev/null 9>&- &
	echo "$!" >"$REG_PID"
	for ((i = 0; i < 40; i++)); do
		registry_ok && return 0
		sleep 0.25
	done
	tail -n 20 "$REG_LOG" >&2 || true
	die "the lab registry did not answer on $REGISTRY; see $REG_LOG"
}

stop_registry() {
	local pid
	pid=$(read_pid "$REG_PID")
	if host_proc_is "$pid" docker-registry; then
		kill -TERM "$pid" 2>/dev/null || true
		for _ in 1 2 3 4 5 6 7 8 9 10; do host_proc_is "$pid" docker-registry || break; sleep 0.2; done
	fi
	rm -f "$REG_PID"
}

# The lab's busybox image in the registry, pushed once from the first node (whose engine trusts the lab CA).
ensure_registry_image() {
	local ctr code
	code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --cacert "$REG_CA" -K - \
		"https://$REGISTRY/v2/swarmps/busybox/manifests/latest" \
		-H 'Accept: application/vnd.docker.distribution.manifest.v2+json' <<<"user = \"$REGISTRY_USER:$REG_PASSWORD\"")
	[[ $code == 200 ]] && return 0
	ctr=$(node_ctr 1)
	# The password reaches docker login on stdin; the node's login is removed again at once.
	printf '%s\n' "$REG_PASSWORD" | docker exec -i "$ctr" sh -c "docker login -u $REGISTRY_USER --password-stdin $REGISTRY >/dev/null 2>&1 &&
		docker tag $BUSYBOX_IMAGE $REGISTRY_IMAGE && docker push $REGISTRY_IMAGE >/dev/null; rc=\$?;
		docker rmi $REGISTRY_IMAGE >/dev/null 2>&1; docker logout $REGISTRY >/dev/null 2>&1; exit \$rc" ||
		die "could not push $REGISTRY_IMAGE to the lab registry"
	log "registry: pushed $REGISTRY_IMAGE"
}

# ---------------------------------------------------------------- nodes

CAP_ARGS=()
# --privileged fails here: add every capability the machine can grant, one by one.
compute_caps() {
	local names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
		LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
		SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
		SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
		MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ)
	# PERFMON, BPF, CHECKPOINT_RESTORE (38-40) are left out: runc 1.1.5 cannot grant them.
	local bnd i
	bnd=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
	CAP_ARGS=()
	for i in "${!names[@]}"; do
		((bnd >> i & 1)) && CAP_ARGS+=(--cap-add "${names[i]}")
	done
	return 0
}

forget_host_key() {
	[[ -f $KNOWN_HOSTS ]] || return 0
	flock "$KNOWN_HOSTS.lock" ssh-keygen -R "$1" -f "$KNOWN_HOSTS" >/dev/null 2>&1 || true
	rm -f "$KNOWN_HOSTS.old"
}

node_remove() {
	local i=$1
	docker rm -f "$(node_ctr "$i")" >/dev/null 2>&1 || true
	docker volume rm -f "$(node_vol "$i")" >/dev/null 2>&1 || true
	forget_host_key "$(node_addr "$i")"
}

# Remove every lab node whose index is >= FROM.
remove_nodes_from() {
	local from=$1 name idx
	for name in $(docker ps -a --filter "label=$NODE_LABEL" --format '{{.Label "swarmps-lab.node"}}'); do
		idx=$((10#${name#core-}))
		if ((idx >= from)); then
			log "$name: removing"
			node_remove "$idx"
		fi
	done
}

node_create() {
	local i=$1 name ctr j
	local hosts=()
	name=$(node_name "$i") ctr=$(node_ctr "$i")
	# Every possible node in /etc/hosts, so nodes added later resolve too.
	for ((j = 1; j <= MAX_NODES; j++)); do hosts+=(--add-host "$(node_name "$j"):$(node_addr "$j")"); done
	node_remove "$i"
	docker volume create --label swarmps-lab=1 "$(node_vol "$i")" >/dev/null
	# /var/lib/docker on a volume: overlay2 cannot sit on the container's own overlay.
	docker run -d --name "$ctr" --hostname "$name" \
		--network "$NETWORK" --ip "$(node_addr "$i")" --network-alias "$name" "${hosts[@]}" \
		--label "$NODE_LABEL=$name" \
		"${CAP_ARGS[@]}" \
		--security-opt seccomp=unconfined --security-opt apparmor=unconfined \
		--security-opt systempaths=unconfined --device-cgroup-rule 'a *:* rwm' \
		--cgroupns=host --tmpfs /run --tmpfs /run/lock \
		-v /sys/fs/cgroup:/sys/fs/cgroup:rw -v "$(node_vol "$i"):/var/lib/docker" \
		--stop-signal SIGRTMIN+3 \
		"$NODE_IMAGE" >/dev/null
}

# ok = running, on the current image, at its address.
node_container_ok() {
	local i=$1 info image
	image=$(docker image inspect -f '{{.Id}}' "$NODE_IMAGE" 2>/dev/null) || return 1
	info=$(docker inspect -f '{{.State.Running}} {{.Image}} {{range $k, $v := .NetworkSettings.Networks}}{{$k}}={{$v.IPAddress}} {{end}}' \
		"$(node_ctr "$i")" 2>/dev/null) || return 1
	[[ $info == "true $image $NETWORK=$(node_addr "$i") " ]]
}

# Wait for systemd to finish booting and the inner engine to answer.
node_wait_ready() {
	local i=$1 timeout=$2 ctr name state="" deadline degraded_since=""
	ctr=$(node_ctr "$i") name=$(node_name "$i")
	deadline=$((SECONDS + timeout))
	while :; do
		state=$(docker exec "$ctr" systemctl is-system-running 2>/dev/null) || true
		[[ $state == running ]] && break
		if [[ $state == degraded ]]; then
			degraded_since=${degraded_since:-$SECONDS}
		else
			degraded_since=""
		fi
		if ((SECONDS >= deadline)) || { [[ -n $degraded_since ]] && ((SECONDS - degraded_since >= 15)); }; then
			log "$name: systemd state '${state:-unknown}' after $timeout s; failed units:"
			docker exec "$ctr" systemctl --failed --no-legend --plain 2>&1 | sed "s/^/lab: $name:   /" >&2 || true
			return 1
		fi
		if [[ $(docker inspect -f '{{.State.Running}}' "$ctr" 2>/dev/null) != true ]]; then
			log "$name: container is not running"
			docker logs --tail 20 "$ctr" 2>&1 | sed "s/^/lab: $name:   /" >&2 || true
			return 1
		fi
		sleep 0.5
	done
	until docker exec "$ctr" timeout 10 docker info >/dev/null 2>&1; do
		if ((SECONDS >= deadline)); then
			log "$name: inner docker engine does not answer"
			docker exec "$ctr" systemctl status docker --no-pager 2>&1 | tail -n 15 | sed "s/^/lab: $name:   /" >&2 || true
			return 1
		fi
		sleep 0.5
	done
}

# Lab credentials and the busybox image: safe to repeat.
node_provision() {
	local i=$1 ctr
	ctr=$(node_ctr "$i")
	docker exec -i "$ctr" sh -c "install -d -m 700 -o $LAB_USER -g $LAB_USER /home/$LAB_USER/.ssh &&
		cat >/home/$LAB_USER/.ssh/authorized_keys &&
		chown $LAB_USER:$LAB_USER /home/$LAB_USER/.ssh/authorized_keys &&
		chmod 600 /home/$LAB_USER/.ssh/authorized_keys" <"$KEY.pub" || return 1
	# Through stdin: the password never appears on a command line.
	printf '%s:%s\n' "$LAB_USER" "$PASSWORD" | docker exec -i "$ctr" chpasswd || return 1
	# The node's engine trusts the lab registry's CA (a reset removes /etc/docker/certs.d).
	docker exec -i "$ctr" sh -c "install -d -m 755 /etc/docker/certs.d/$REGISTRY && cat >/etc/docker/certs.d/$REGISTRY/ca.crt" <"$REG_CA" || return 1
	if ! docker exec "$ctr" docker image inspect "$BUSYBOX_IMAGE" >/dev/null 2>&1; then
		docker exec -i "$ctr" docker load <"$BUSYBOX_TAR" >/dev/null || return 1
	fi
}

# Runs as root inside a node (bash -s). Workloads go first: a daemon restart
# would otherwise wait 10 s for each container that ignores SIGTERM.
read -r -d '' NODE_RESET_SCRIPT <<'EOS' || true
set -u
dk() { timeout 30 docker "$@"; }
wipe_workloads() {
	dk swarm leave --force >/dev/null 2>&1 || true
	ids=$(dk ps -aq 2>/dev/null) || ids=""
	[ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
}
dk info >/dev/null 2>&1 && wipe_workloads
systemctl disable --now docker-tcp.socket >/dev/null 2>&1 || true
systemctl stop docker-tcp.service >/dev/null 2>&1 || true
find /etc/systemd/system -name 'docker-tcp*' -exec rm -rf {} + 2>/dev/null
rm -rf /etc/systemd/system/docker.service.d /etc/systemd/system/docker.socket.d \
	/etc/systemd/system/docker.service /etc/systemd/system/docker.socket \
	/etc/swarmps /var/lib/swarmps /root/.docker /home/core/.docker
find /etc/docker -mindepth 1 -maxdepth 1 ! -name key.json -exec rm -rf {} +
systemctl daemon-reload
systemctl reset-failed
# The socket too: a removed drop-in may have added listeners to it.
systemctl stop docker.service docker.socket
systemctl start docker.socket docker.service || { systemctl status docker --no-pager | tail -n 15; exit 1; }
for _ in $(seq 60); do dk info >/dev/null 2>&1 && break; sleep 0.5; done
dk info >/dev/null 2>&1 || { echo "docker does not answer after restart"; exit 1; }
wipe_workloads
dk network prune -f >/dev/null
dk volume prune -f >/dev/null
for ref in $(dk image ls --format '{{.Repository}}:{{.Tag}}'); do
	case $ref in swarmps/busybox:latest | *'<none>'*) ;; *) dk rmi -f "$ref" >/dev/null 2>&1 || true ;; esac
done
dk image prune -f >/dev/null
systemctl reset-failed
EOS

# node_ensure MODE I: make node I ready; MODE=reset wipes it back to bare first.
# Anything wrong with an existing node: recreate it.
node_ensure() {
	local mode=$1 i=$2 name ctr start=$SECONDS out
	name=$(node_name "$i") ctr=$(node_ctr "$i")
	if node_container_ok "$i"; then
		if [[ $mode == reset ]]; then
			if out=$(docker exec -i "$ctr" bash -s <<<"$NODE_RESET_SCRIPT" 2>&1) &&
				node_wait_ready "$i" 30 && node_provision "$i"; then
				log "$name: reset to bare in $((SECONDS - start)) s"
				return 0
			fi
			[[ -z $out ]] || printf '%s\n' "$out" | sed "s/^/lab: $name:   /" >&2
		elif node_wait_ready "$i" "$BOOT_TIMEOUT" && node_provision "$i"; then
			log "$name: up ($(node_addr "$i"))"
			return 0
		fi
		log "$name: broken, re-creating it"
	fi
	log "$name: creating at $(node_addr "$i")"
	node_create "$i" || return 1
	node_wait_ready "$i" "$BOOT_TIMEOUT" || return 1
	node_provision "$i" || return 1
	log "$name: ready in $((SECONDS - start)) s ($(node_addr "$i"))"
}

# Nodes boot in parallel; a failure in one does not stop the others.
for_each_node() {
	local mode=$1 n=$2 i pid rc=0
	local pids=()
	for ((i = 1; i <= n; i++)); do
		node_ensure "$mode" "$i" &
		pids+=("$!")
	done
	for pid in "${pids[@]}"; do wait "$pid" || rc=1; done
	return "$rc"
}

write_lab_json() {
	local n=$1 i tmp
	tmp=$(mktemp "$LAB_DIR/.lab.json.XXXXXX") # mode 600
	# The password travels through the environment, not argv.
	for ((i = 1; i <= n; i++)); do
		LAB_PW=$PASSWORD jq -cn --arg name "$(node_name "$i")" --arg address "$(node_addr "$i")" \
			--arg user "$LAB_USER" --arg keyPath "$KEY" \
			'{name: $name, address: $address, sshPort: 22, user: $user, keyPath: $keyPath, password: env.LAB_PW}'
	done | LAB_PW=$PASSWORD REG_PW=$REG_PASSWORD jq -s --arg network "$NETWORK" --arg subnet "$SUBNET" \
		--arg image "$BUSYBOX_IMAGE" --arg keyPath "$KEY" --arg user "$LAB_USER" \
		--arg registry "$REGISTRY" --arg regUser "$REGISTRY_USER" --arg regCa "$REG_CA" --arg regImage "$REGISTRY_IMAGE" \
		'{network: $network, subnet: $subnet, image: $image, keyPath: $keyPath, user: $user,
		  password: env.LAB_PW, nodes: .,
		  registry: {address: $registry, user: $regUser, password: env.REG_PW, caPath: $regCa, image: $regImage}}' >"$tmp"
	chmod 600 "$tmp"
	mv -f "$tmp" "$LAB_JSON"
}

lab_node_count() {
	[[ -s $LAB_JSON ]] && jq -r '.nodes | length' "$LAB_JSON" 2>/dev/null || echo 0
}

# ---------------------------------------------------------------- commands

prepare() {
	require_root
	need docker docker.io jq jq ssh-keygen openssh-client flock util-linux iptables iptables
	init_lab_dir
	lock_lab
	ensure_credentials
	ensure_engine
	ensure_node_image
	ensure_busybox_tar
	ensure_network
	ensure_registry
	compute_caps
}

cmd_up() {
	local n=${SWARMPS_LAB_NODES:-3} start=$SECONDS
	while (($#)); do
		case $1 in
		--nodes)
			(($# >= 2)) || usage
			n=$2
			shift 2
			;;
		--nodes=*) n=${1#--nodes=} && shift ;;
		*) usage ;;
		esac
	done
	if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 1 || n > MAX_NODES)); then
		die "--nodes must be 1..$MAX_NODES, got '$n'"
	fi
	prepare
	remove_nodes_from "$((n + 1))"
	for_each_node up "$n" || die "some nodes did not come up (see above)"
	ensure_registry_image
	write_lab_json "$n"
	prune_old_node_images
	log "lab up: $n node(s) in $((SECONDS - start)) s; $LAB_JSON"
}

cmd_reset() {
	local n start=$SECONDS
	init_lab_dir
	n=$(lab_node_count)
	((n > 0)) || die "no lab at $LAB_JSON: run 'lab.sh up' first"
	prepare
	remove_nodes_from "$((n + 1))"
	for_each_node reset "$n" || die "some nodes could not be reset (see above)"
	ensure_registry_image
	write_lab_json "$n"
	prune_old_node_images
	log "lab reset: $n node(s) in $((SECONDS - start)) s"
}

cmd_down() {
	local ids vols
	require_root
	need docker docker.io
	init_lab_dir
	lock_lab
	if engine_ok; then
		ids=$(docker ps -aq --filter "label=$NODE_LABEL")
		if [[ -n $ids ]]; then
			log "removing node containers"
			# shellcheck disable=SC2086 # one id per word
			docker rm -f $ids >/dev/null
		fi
		vols=$(docker volume ls -q --filter name=swarmps-lab-core-)
		# shellcheck disable=SC2086
		[[ -z $vols ]] || docker volume rm -f $vols >/dev/null
		if docker network inspect "$NETWORK" >/dev/null 2>&1; then
			docker network rm "$NETWORK" >/dev/null
			log "removed network $NETWORK"
		fi
		remove_firewall 2>/dev/null || true
	else
		log "outer engine not answering: no nodes to remove"
	fi
	stop_registry
	safe_rm "$REG_DIR/data"
	stop_engine
	rm -f "$LAB_JSON" "$KNOWN_HOSTS" "$KNOWN_HOSTS.old" "$KNOWN_HOSTS.lock"
	log "lab down"
}

cmd_status() {
	local name addr state
	init_lab_dir
	echo "$LAB_JSON"
	if [[ ! -s $LAB_JSON ]]; then
		log "no lab.json: lab is down"
		return 0
	fi
	while read -r name addr; do
		state=stopped
		[[ $(timeout 20 docker inspect -f '{{.State.Running}}' "swarmps-lab-$name" 2>/dev/null) == true ]] && state=running
		printf '%s %s %s\n' "$name" "$addr" "$state"
	done < <(jq -r '.nodes[] | "\(.name) \(.address)"' "$LAB_JSON")
}

cmd_check() {
	local name addr pass=0 fail=0 out key rc
	local -A keys=()
	need ssh openssh-client sshpass sshpass ssh-keyscan openssh-client jq jq
	init_lab_dir
	[[ -s $LAB_JSON ]] || die "no lab at $LAB_JSON: run 'lab.sh up' first"
	PASSWORD=$(jq -r .password "$LAB_JSON")
	# Never ~/.ssh: known hosts live in the lab dir, no user ssh config applies.
	local opts=(-F /dev/null -o UserKnownHostsFile="$KNOWN_HOSTS" -o GlobalKnownHostsFile=/dev/null
		-o StrictHostKeyChecking=accept-new -o ConnectTimeout=10 -o LogLevel=ERROR)
	result() { # result OK NAME TEST [DETAIL]
		if [[ $1 == 0 ]]; then
			printf 'PASS %s %s\n' "$2" "$3"
			pass=$((pass + 1))
		else
			printf 'FAIL %s %s%s\n' "$2" "$3" "${4:+: $4}"
			fail=$((fail + 1))
		fi
	}
	on() { ssh "${opts[@]}" -o BatchMode=yes -o IdentitiesOnly=yes -i "$KEY" "$LAB_USER@$addr" "$@" </dev/null 2>&1; }
	while read -r name addr; do
		rc=0
		out=$(on true) || rc=1
		result "$rc" "$name" ssh-key "$out"
		rc=0
		out=$(SSHPASS=$PASSWORD sshpass -e ssh "${opts[@]}" -o PubkeyAuthentication=no \
			-o PreferredAuthentications=password,keyboard-interactive "$LAB_USER@$addr" true </dev/null 2>&1) || rc=1
		result "$rc" "$name" ssh-password "$out"
		key=$(ssh-keyscan -T 10 -t ed25519 "$addr" 2>/dev/null | awk '{ print $3 }')
		if [[ -z $key ]]; then
			result 1 "$name" host-key-unique "no ed25519 host key"
		elif [[ -n ${keys[$key]-} ]]; then
			result 1 "$name" host-key-unique "same host key as ${keys[$key]}"
		else
			keys[$key]=$name
			result 0 "$name" host-key-unique
		fi
		rc=0
		out=$(on systemctl is-system-running) || rc=1
		[[ $out == running ]] || rc=1
		result "$rc" "$name" system-running "$out"
		rc=0
		out=$(on sudo -n docker info --format '{{.ServerVersion}}') || rc=1
		result "$rc" "$name" sudo-docker-info "$out"
		rc=0
		out=$(on sudo -n docker image inspect -f '{{.Id}}' "$BUSYBOX_IMAGE") || rc=1
		result "$rc" "$name" busybox-image "$out"
		rc=0
		out=$(on ss -Hltn "'( sport = :2375 or sport = :2376 )'") || rc=1
		[[ -z $out ]] || rc=1
		result "$rc" "$name" no-tcp-api "$out"
	done < <(jq -r '.nodes[] | "\(.name) \(.address)"' "$LAB_JSON")
	log "check: $pass PASS, $fail FAIL"
	((fail == 0))
}

main() {
	local cmd=${1-}
	(($#)) && shift
	case $cmd in
	up) cmd_up "$@" ;;
	down) cmd_down ;;
	reset) cmd_reset ;;
	status) cmd_status ;;
	check) cmd_check ;;
	*) usage ;;
	esac
}

# On one line: bash must not read on after main, in case this file was replaced meanwhile.
main "$@"; exit
