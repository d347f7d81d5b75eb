#!/usr/bin/env bash
# perf-compare.sh compares whole-process CPU time (user+system) and peak RSS
# of lbconf lint, compile and decompile with `haproxy -c` on the compiled
# config, in the same run, on modeltest's generated document (issue 10).
#
#   scripts/perf-compare.sh [LISTENERS [RUNS]]     default 10000 listeners, 5 runs
#
# Each command runs RUNS times; the table shows medians. A command that exits 2
# (lbconf refuses an input beyond one of its hostile-input limits so) shows
# "refused" and the first line of its message; any other failure "failed".
# Needs Go, GNU time (/usr/bin/time) and haproxy (PATH or /usr/sbin).
set -euo pipefail
n=${1:-10000}
runs=${2:-5}
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin"
command -v haproxy >/dev/null || { echo "perf-compare: haproxy not found (apt-get install -y haproxy)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "perf-compare: /usr/bin/time not found (apt-get install -y time)" >&2; exit 2; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/lbconf" ./cmd/lbconf
go build -o "$dir/cpbare" ./scripts/cpbare
go run ./scripts/gendoc -n "$n" -format json >"$dir/listeners.json"
go run ./scripts/gendoc -n "$n" -format cfg >"$dir/haproxy.cfg"
echo "$n listeners: listeners.json $(wc -c <"$dir/listeners.json") bytes, haproxy.cfg $(wc -c <"$dir/haproxy.cfg") bytes, $(wc -l <"$dir/haproxy.cfg") lines; medians of $runs runs"
echo "machine: $(nproc) cores, $(uname -m), $(haproxy -v | head -1)"

# measure NAME CMD...: prints "NAME cpu_s rss_mb status".
measure() {
	local name=$1; shift
	local cpus=() rsss=() status=ok
	for _ in $(seq "$runs"); do
		rc=0
		/usr/bin/time -f '%U %S %M' -o "$dir/time" "$@" >/dev/null 2>"$dir/stderr" || rc=$?
		case $rc in
		0) ;;
		2) status="refused (exit 2): $(head -1 "$dir/stderr" | cut -c1-200)" ;;
		*) status="failed (exit $rc): $(head -1 "$dir/stderr" | cut -c1-200)" ;;
		esac
		read -r u s m < <(tail -1 "$dir/time")
		cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')")
		rsss+=("$m")
	done
	local cpu rss
	cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
	rss=$(printf '%s\n' "${rsss[@]}" | sort -g | awk '{a[NR]=$1} END {printf "%.0f", a[int((NR+1)/2)]/1024}')
	echo "$name $cpu $rss $status"
}

{
	measure "haproxy-c" haproxy -c -q -f "$dir/haproxy.cfg"
	measure lint "$dir/lbconf" lint "$dir/listeners.json"
	# compile writes standard output; with -o it writes the file atomically
	# and waits for the disk (fsync), which the second line includes.
	measure compile "$dir/lbconf" compile "$dir/listeners.json"
	measure compile-o "$dir/lbconf" compile -o "$dir/out.cfg" "$dir/listeners.json"
	measure decompile "$dir/lbconf" decompile "$dir/haproxy.cfg"
	# config-parser's own parse of the same text and nothing else: the
	# floor of decompile (issue 10).
	measure cp-bare "$dir/cpbare" "$dir/haproxy.cfg"
} >"$dir/results"

awk -v OFS='\t' '
	NR == 1 { base = $2 }
	{ st = $4; for (i = 5; i <= NF; i++) st = st " " $i
	  ratio = (base > 0) ? sprintf("%.2fx", $2 / base) : "-"
	  printf "%-10s cpu %6.2f s  (%6s of haproxy -c)  peak RSS %5d MB  %s\n", $1, $2, ratio, $3, st }
' "$dir/results"
awk '$1 == "decompile" { d = $2 } $1 == "cp-bare" { c = $2 }
	END { if (c > 0) printf "decompile  %.2fx of config-parser'"'"'s bare parse (cp-bare)\n", d / c }' "$dir/results"

# Start-up: the mean wall time of `lbconf version` over 100 runs, beside a
# minimal Go program's (what any Go binary costs to start on this machine).
cat >"$dir/hello.go" <<'GO'
package main

func main() {}
GO
(cd "$dir" && GOFLAGS= go build -o hello hello.go)
startup() {
	local start end
	start=$(date +%s%N)
	for _ in $(seq 100); do "$@" >/dev/null; done
	end=$(date +%s%N)
	awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 100 / 1e6 }'
}
echo "start-up   lbconf version $(startup "$dir/lbconf" version) ms, a minimal Go program $(startup "$dir/hello") ms (mean wall time of 100 runs)"
