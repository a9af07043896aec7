#!/usr/bin/env bash
# The baseline SwarmPS is measured against: the seed's procedure as a user would script it in ten minutes,
# with ssh and the docker CLI, every host at once, plain TCP on 2375 (no TLS, no checks, no backup, no rollback).
#
#   bench/baseline-seed.sh [lab.json]        (default: $SWARMPS_LAB_DIR/lab.json, else out/lab/lab.json)
#
# For every node of the lab, in parallel: install docker-tcp.socket on 2375, write daemon.json with the node's
# label (storage=ssd on the first, storage=disk on the others), restart the engine. Then `swarm init` on the first
# node and `swarm join` of every other node, all over the nodes' TCP APIs (docker -H tcp://ADDRESS:2375).
# Prints one line: "baseline-seed nodes=N seconds=S". Meant for bare nodes (lab.sh reset); it changes them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
lab=${1:-${SWARMPS_LAB_DIR:-$here/../out/lab}/lab.json}
[ -f "$lab" ] || { echo "no lab file at $lab" >&2; exit 2; }

mapfile -t addresses < <(jq -r '.nodes[].address' "$lab")
user=$(jq -r '.user' "$lab")
key=$(jq -r '.keyPath' "$lab")
known=$(dirname "$lab")/known_hosts
ssh_opts=(-i "$key" -o "UserKnownHostsFile=$known" -o StrictHostKeyChecking=accept-new -o BatchMode=yes -o LogLevel=ERROR)
unset DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH

# One ssh per host: the socket unit, daemon.json with the label, and the restart. $1 = the label.
seed_host() {
	ssh "${ssh_opts[@]}" "$user@$2" sudo sh -s "$1" <<'EOF'
set -e
cat > /etc/systemd/system/docker-tcp.socket <<'UNIT'
[Unit]
Description=Docker Engine API on TCP

[Socket]
ListenStream=2375
Service=docker.service

[Install]
WantedBy=sockets.target
UNIT
printf '{\n  "labels": ["%s"]\n}\n' "$1" > /etc/docker/daemon.json
systemctl daemon-reload
systemctl enable docker-tcp.socket >/dev/null 2>&1
systemctl stop docker.service
systemctl restart docker-tcp.socket
systemctl start docker.service
EOF
}

started=$(date +%s.%N)
pids=()
for i in "${!addresses[@]}"; do
	label=storage=disk
	[ "$i" -eq 0 ] && label=storage=ssd
	seed_host "$label" "${addresses[$i]}" &
	pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

first=${addresses[0]}
docker -H "tcp://$first:2375" swarm init --advertise-addr "$first" >/dev/null
token=$(docker -H "tcp://$first:2375" swarm join-token -q worker)
pids=()
for address in "${addresses[@]:1}"; do
	docker -H "tcp://$address:2375" swarm join --token "$token" "$first:2377" >/dev/null &
	pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done

ended=$(date +%s.%N)
awk -v n="${#addresses[@]}" -v a="$started" -v b="$ended" 'BEGIN { printf "baseline-seed nodes=%d seconds=%.2f\n", n, b - a }'
