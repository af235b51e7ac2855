#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Command-line tests of ./ipsec-ha that need no kernel module: usage
# errors and their exit status, help, version, key files. TAP output.
#
#   tests/cli.sh [PATH-TO-IPSEC-HA]
#
# Conditions given to c() are single-quoted: they expand when evaluated.
# shellcheck disable=SC2016,SC2034
set -u

bin=${1:-$(dirname "$0")/../ipsec-ha}
tmp=$(mktemp -d /tmp/ipsec-ha-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

n=0
failed=0
declare -a names=() results=()

# t NAME WANT_STATUS WANT_STDERR_REGEX -- ARGS...: run, check status and stderr.
t()
{
	local name=$1 want=$2 re=$3 out err st
	shift 4
	out=$("$bin" "$@" 2>"$tmp/err")
	st=$?
	err=$(<"$tmp/err")
	n=$((n + 1))
	if [[ $st -eq $want ]] && [[ $err =~ $re ]]; then
		names+=("$name")
		results+=("ok")
	else
		names+=("$name")
		results+=("not ok")
		failed=$((failed + 1))
		printf -v "diag_$n" '%s' "# ipsec-ha $* -> status $st (want $want)
# stderr: $err
# stdout: ${out:0:200}"
	fi
	LAST_OUT=$out
}

# c NAME COND: record a shell condition as a test.
c()
{
	n=$((n + 1))
	names+=("$1")
	if eval "$2"; then
		results+=("ok")
	else
		results+=("not ok")
		failed=$((failed + 1))
		printf -v "diag_$n" '%s' "# failed: $2"
	fi
}

usage2='Try .ipsec-ha help'

t "--version" 0 '^$' -- --version
c "--version prints the version" '[[ $LAST_OUT =~ ^ipsec-ha\ [0-9A-Za-z.+~-]+$ ]]'
t "-V" 0 '^$' -- -V
t "--help" 0 '^$' -- --help
c "--help lists every command" '(for w in node link key show stats sa policy ike peers monitor help; do [[ $LAST_OUT == *"  $w "* ]] || exit 1; done)'
t "help" 0 '^$' -- help
for cmd in node link key show stats sa policy ike peers monitor help; do
	t "help $cmd" 0 '^$' -- help "$cmd"
	c "help $cmd starts with Usage" '[[ $LAST_OUT == Usage:* ]]'
done
t "node help" 0 '^$' -- node help
t "sa help" 0 '^$' -- sa help
c "sa help names both forms" '[[ $LAST_OUT == *"sa { list | show }"* ]]'
t "policy help" 0 '^$' -- policy help
t "peers help" 0 '^$' -- peers help
c "help peers names the bulk states" '[[ $LAST_OUT == *"none, waiting, complete"* ]]'
t "help of an unknown command" 2 "unknown command 'bogus'" -- help bogus

t "no command" 2 "missing command.*$usage2" --
t "unknown command" 2 "unknown command 'frob'" -- frob
t "ambiguous abbreviation" 2 "ambiguous command 's'" -- s
t "ambiguous abbreviation p" 2 "ambiguous command 'p'" -- p
t "unknown option" 2 "unknown option '-x'" -- -x show
t "-n without a name" 2 "needs a network namespace name" -- -n
t "-n with a missing namespace" 1 'cannot open network namespace "ipsec-ha-no-such-ns"' -- -n ipsec-ha-no-such-ns show
t "-n with a path" 1 'invalid network namespace name' -- -n ../x show

t "node without subcommand" 2 "node: missing subcommand.*help node" -- node
t "node unknown subcommand" 2 "unknown subcommand 'get'" -- node get
t "node set nothing" 2 "nothing to set" -- node set
t "node set activate: a bad policy" 2 "invalid activate 'maybe' \\(expected off, gone or any\\)" -- node set activate maybe
t "node set missing value" 2 "missing value after 'id'" -- node set id
t "node set non-numeric" 2 "invalid id 'one'" -- node set id one
t "node set negative" 2 "invalid id '-1'" -- node set id -1
t "node set too big for u32" 2 "invalid max-sas '4294967296'" -- node set max-sas 4294967296
t "node set unknown keyword" 2 "unknown keyword 'ttl'" -- node set ttl 3
t "node set keyword twice" 2 "'id' given twice" -- node set id 1 id 2
t "node set bad value after good ones" 2 "invalid margin-min 'x'" -- node set id 1 sync-packets 5 margin-min x
t "node set spi-range without a dash" 2 "invalid spi-range '4096' \\(expected MIN-MAX" -- node set spi-range 4096
t "node set spi-range not numbers" 2 "invalid spi-range 'a-b'" -- node set spi-range a-b
t "node set spi-range too big" 2 "invalid spi-range '1-0x100000000'" -- node set spi-range 1-0x100000000

t "link set missing dev" 2 "missing 'dev IFNAME'" -- link set group 239.192.0.1 port 7731
t "link set missing group" 2 "missing 'group GROUP'" -- link set dev ha0 port 7731
t "link set missing port" 2 "missing 'port PORT'" -- link set dev ha0 group 239.192.0.1
t "link set bad group" 2 "invalid group 'ha0'" -- link set dev ha0 group ha0 port 7731
t "link set port too big" 2 "invalid port '65536'" -- link set dev ha0 group ff15::7731 port 65536
t "link set missing value" 2 "missing value after 'port'" -- link set dev ha0 group 239.192.0.1 port
t "link del extra argument" 2 "unexpected argument 'now'" -- link del now

t "key set without file" 2 "missing 'file FILE'" -- key set
t "key set key on the command line" 2 "only read from files" -- key set 00112233
t "key set file missing value" 2 "missing value after 'file'" -- key set file
t "key set unknown word after the file" 2 "unexpected argument 'now'" -- key set file /dev/null now
t "key set no-grace then more" 2 "unexpected argument 'x'" -- key set file /dev/null no-grace x
t "key clear extra argument" 2 "unexpected argument" -- key clear x
t "show extra argument" 2 "show: unexpected argument 'x'" -- show x
t "stats extra argument" 2 "stats: unexpected argument 'x'" -- stats x
t "monitor extra argument" 2 "monitor: unexpected argument 'x'" -- monitor x
t "sa without subcommand" 2 "sa: missing subcommand.*help sa" -- sa
t "sa unknown subcommand" 2 "sa: unknown subcommand 'get'" -- sa get
t "sa list unknown filter" 2 "sa list: unknown filter 'x'.*help sa" -- sa list x 1
t "sa show unknown filter" 2 "sa show: unknown filter 'x'" -- -j sa show x
t "sa list spi without value" 2 "sa list: missing value after 'spi'.*help sa" -- sa list spi
t "sa list bad spi" 2 "sa list: spi '0xg': not a 32-bit number" -- sa list spi 0xg
t "sa list spi too large" 2 "sa list: spi '4294967296': not a 32-bit" -- sa list spi 4294967296
t "sa list bad peer" 2 "sa list: peer 'gw1': not an IPv4 or IPv6 address" -- sa list peer gw1
t "sa list bad owner" 2 "sa list: owner 'two': not a node id or 'local'" -- sa list owner two
t "sa list filter given twice" 2 "sa list: owner given twice" -- sa list owner 1 spi 2 owner 3
t "sa list empty filter" 2 "sa list: unknown filter ''" -- sa list '' 1
t "policy without subcommand" 2 "policy: missing subcommand.*help policy" -- policy
t "policy unknown subcommand" 2 "policy: unknown subcommand 'del'" -- policy del
t "policy list unknown filter" 2 "policy list: unknown filter 'x'" -- policy list x
t "policy list has no spi filter" 2 "policy list: no spi filter here" -- policy list spi 1
t "policy list bad peer" 2 "policy list: peer '10.0.0.0/8': not an IPv4" -- policy list peer 10.0.0.0/8
t "peers extra argument" 2 "peers: unexpected argument 'list'.*help peers" -- peers list
t "promote share without node" 2 "promote: share needs node N" -- promote share
t "demote share" 2 "unexpected argument 'share'" -- demote share node 1
t "move without sessions" 2 "name the sessions: ike SPI_I SPI_R, peer ADDR, spi SPI or node N" -- move to 2
t "move: share without node" 2 "share needs node N" -- move share to 2
t "move: node with another selector" 2 "node N names the sessions alone" -- move node 1 peer 192.0.2.1 to 2
t "move: node 0" 2 "invalid node '0'" -- move node 0 share to 2
t "move: node and to the same" 2 "node and to are the same node" -- move node 2 share to 2
t "move: share twice" 2 "unexpected argument 'share'" -- move node 1 share share to 2
t "move without to" 2 "move: to NODE is required" -- move spi 0xc1000001
t "move to node 0" 2 "invalid node '0'" -- move spi 1 to 0
t "move: a bad SPI in the list" 2 "invalid spi '1,x'" -- move spi 1,x to 2
t "move: 65 SPIs" 2 "at most 64" -- move spi "$(seq -s, 1 65)" to 2
t "move: ike with one SPI" 2 "ike takes the SPIs SPI_I SPI_R" -- move ike 1 to 2
t "move: a bad peer" 2 "invalid peer address '192.0.2'" -- move peer 192.0.2 to 2
t "move: to twice" 2 "unexpected argument 'to'" -- move spi 1 to 2 to 3
t "move: unknown word" 2 "unexpected argument 'now'" -- move spi 1 to 2 now
c "usage errors print nothing on stdout" '[[ -z $LAST_OUT ]]'

# ike: parsing and secrets (checked before the kernel is asked)
ctx='spi-i 0x0123456789abcdef spi-r 0xfedcba9876543210 local 192.0.2.1 remote 198.51.100.2'
t "ike help" 0 '^$' -- ike help
c "ike help names the batch form" '[[ $LAST_OUT == *"ike add batch { FILE | - }"* ]]'
t "ike without subcommand" 2 "ike: missing subcommand.*help ike" -- ike
t "ike unknown subcommand" 2 "ike: unknown subcommand 'get'" -- ike get
# shellcheck disable=SC2086
t "ike add: a secret on the command line" 2 "ike add: secrets are never taken from the command line" -- ike add $ctx sk_d=00112233
c "... and it is not echoed" '! grep -q 00112233 "$tmp/err"'
# shellcheck disable=SC2086
t "ike add: a secret keyword on the command line" 2 "never taken from the command line" -- ike add $ctx nonce-i 0011
t "ike add: bad SPI" 2 "invalid spi-i 'x1'" -- ike add spi-i x1
t "ike add: SPI too big" 2 "invalid spi-r '0x10000000000000000'" -- ike add spi-r 0x10000000000000000
t "ike add: bad address" 2 "invalid remote 'peer'" -- ike add remote peer
t "ike add: bad role" 2 "invalid role 'boss'" -- ike add role boss
t "ike add: unknown algorithm" 2 "invalid encr 'rot13'" -- ike add encr rot13
t "ike add: unknown extension" 2 "invalid ext 'nat-t,foo'" -- ike add ext nat-t,foo
t "ike add: id without value" 2 "missing value after 'id-i fqdn'" -- ike add id-i fqdn
t "ike add: ipv4-addr ID that is not one" 2 "invalid id-r 'x' \\(expected an IPv4 address\\)" -- ike add id-r ipv4-addr x
t "ike add: keyword twice" 2 "'prf' given twice" -- ike add prf 5 prf 6
t "ike add: secrets without a source" 2 "expected 'secrets file PATH' or 'secrets -'" -- ike add secrets file
t "ike add: unknown keyword" 2 "ike add: unknown keyword 'ttl'" -- ike add ttl 3
t "ike set: address not settable" 2 "ike set: unknown keyword 'local'" -- ike set spi-i 1 spi-r 2 local 192.0.2.1
t "ike set: secrets not settable" 2 "ike set: unknown keyword 'secrets'" -- ike set spi-i 1 secrets -
t "ike del: only SPIs" 2 "ike del: unknown keyword 'mid-send'" -- ike del spi-i 1 spi-r 2 mid-send 3
t "ike list unknown filter" 2 "ike list: unknown filter 'x'" -- ike list x
t "ike show bad spi" 2 "ike show: spi '0x1111000000000003': not a 32-bit" -- ike show spi 0x1111000000000003
t "ike list owner without value" 2 "ike list: missing value after 'owner'" -- ike list peer ::1 owner
t "ike export extra argument" 2 "ike export: unexpected argument 'x'" -- ike export x
t "ike add batch without FILE" 2 "missing FILE" -- ike add batch
t "ike add batch extra argument" 2 "unexpected argument 'y'" -- ike add batch x y
printf 'sk_d=00112233\n' >"$tmp/sec"; chmod 0644 "$tmp/sec"
# shellcheck disable=SC2086
t "ike add: secrets file readable by others" 1 "secrets file $tmp/sec: mode 0644 gives group or others access" -- ike add $ctx secrets file "$tmp/sec"
chmod 0600 "$tmp/sec"
# shellcheck disable=SC2086
t "ike add: missing secrets file" 1 "secrets file $tmp/none: cannot read" -- ike add $ctx secrets file "$tmp/none"
printf 'sk_d=0011\nsk_d=2233\n' >"$tmp/sec2"; chmod 0600 "$tmp/sec2"
# shellcheck disable=SC2086
t "ike add: a secret twice" 1 "sk_d given twice" -- ike add $ctx secrets file "$tmp/sec2"
# shellcheck disable=SC2086
t "ike add: bad secrets on standard input" 1 "sk_ai: expected an even number of hex digits" -- ike add $ctx secrets - <<<"sk_ai=abc"
c "... which are not echoed" '! grep -q abc "$tmp/err"'
# shellcheck disable=SC2086
t "ike add: unknown secret name" 1 "expected NAME=HEX" -- ike add $ctx secrets - <<<"sk_x=00"
printf '%s sk_d=00\n' "$ctx" >"$tmp/batch"; chmod 0640 "$tmp/batch"
t "ike add batch: file readable by the group" 1 "batch file $tmp/batch: mode 0640" -- ike add batch "$tmp/batch"
printf '# two contexts\n\nspi-i 1 spi-r 2 bogus 3\n' >"$tmp/batch2"; chmod 0600 "$tmp/batch2"
t "ike add batch: a bad line, with its number" 2 "ike add batch: line 3: unknown keyword 'bogus'" -- ike add batch "$tmp/batch2"
t "ike add batch: secrets - inside a batch" 2 "line 1: secrets -: standard input is the batch itself" -- ike add batch - <<<"spi-i 1 secrets -"
t "ike add batch: an empty batch does nothing" 0 '^$' -- ike add batch - </dev/null

# key files (checked before the kernel is asked)
t "key generate" 0 '^$' -- key generate "$tmp/k1"
c "generated key file: mode 0600" '[[ $(stat -c %a "$tmp/k1") == 600 ]]'
c "generated key file: 64 lowercase hex digits and a newline" \
	'[[ $(wc -c <"$tmp/k1") -eq 65 ]] && grep -Eqx "[0-9a-f]{64}" "$tmp/k1"'
cp -p "$tmp/k1" "$tmp/k1.orig"
t "key generate refuses to overwrite" 1 "refusing to overwrite" -- key generate "$tmp/k1"
c "key file left alone" 'cmp -s "$tmp/k1" "$tmp/k1.orig"'
t "key generate without FILE" 2 "missing FILE" -- key generate
t "key generate stdout is empty" 0 '^$' -- key generate "$tmp/k2"
c "key generate prints nothing" '[[ -z $LAST_OUT ]]'
c "two generated keys differ" '! cmp -s "$tmp/k1" "$tmp/k2"'

chmod 0644 "$tmp/k2"
t "key set refuses a readable-by-others file" 1 "key file $tmp/k2: mode 0644 gives group or others access" -- key set file "$tmp/k2"
chmod 0640 "$tmp/k2"
t "key set refuses a group-readable file" 1 "mode 0640" -- key set file "$tmp/k2"
t "key set: unreadable file" 1 "key file $tmp/none: cannot read: No such file or directory" -- key set file "$tmp/none"
printf 'not a key\n' >"$tmp/bad"; chmod 600 "$tmp/bad"
t "key set: bad content" 1 "key file $tmp/bad: expected 64 hex digits \\(a 32-byte key\\)" -- key set file "$tmp/bad"

# without the module: one plain sentence (skipped where it is loaded)
if [[ ! -d /sys/module/ipsec_ha ]]; then
	msg='^ipsec-ha: the ipsec_ha kernel module is not loaded \(try: modprobe ipsec_ha\)$'
	t "show without the module" 1 "$msg" -- show
	t "stats without the module" 1 "$msg" -- -j stats
	t "monitor without the module" 1 "$msg" -- monitor
	t "sa list without the module" 1 "$msg" -- sa list
	t "sa show (abbreviated) without the module" 1 "$msg" -- sa sh
	t "policy list without the module" 1 "$msg" -- -j policy list
	t "sa list filters reach the kernel" 1 "$msg" -- sa list spi 0xc0de peer 2001:db8::1 owner local
	t "sa list abbreviated filters reach the kernel" 1 "$msg" -- sa list s 17 p 10.0.0.1 o 2
	t "policy list filters reach the kernel" 1 "$msg" -- -j policy list peer 10.0.0.1 owner 1
	t "ike list filters reach the kernel" 1 "$msg" -- ike list spi 0xc001 owner 2 peer 192.0.2.1
	c "no JSON when the module is missing" '[[ -z $LAST_OUT ]]'
	t "peers without the module" 1 "$msg" -- -p peers
	c "no JSON when the module is missing (peers)" '[[ -z $LAST_OUT ]]'
	t "node set id 0 reaches the kernel" 1 "$msg" -- node set id 0
	t "node set spi-range 9-1 reaches the kernel" 1 "$msg" -- node set spi-range 9-1
	t "node set spi-range none reaches the kernel" 1 "$msg" -- node set spi-range none
	t "port 0 and a unicast group reach the kernel" 1 "$msg" -- link set dev ha0 group 10.0.0.1 port 0
	t "key set with a good file reaches the kernel" 1 "$msg" -- key set file "$tmp/k1"
	t "key set no-grace reaches the kernel" 1 "$msg" -- key set file "$tmp/k1" no-grace
	printf 'nonce_i=0011 # a comment\nsk_d=aabb\n' >"$tmp/sec"
	# shellcheck disable=SC2086
	t "ike add with good secrets reaches the kernel" 1 "$msg" -- ike add $ctx secrets file "$tmp/sec"
	# shellcheck disable=SC2086
	t "ike add with secrets on stdin reaches the kernel" 1 "$msg" -- ike add $ctx secrets - <"$tmp/sec"
	t "ike add with a missing SPI reaches the kernel" 1 "$msg" -- ike add spi-i 1
	t "ike add batch with a good line reaches the kernel" 1 "$msg" -- ike add batch - <<<"$ctx sk_d=00"
	t "ike list without the module" 1 "$msg" -- -j ike list
	c "no JSON when the module is missing (ike)" '[[ -z $LAST_OUT ]]'
	t "ike export without the module" 1 "$msg" -- ike export
fi

# notify-fifo: usage errors, then keepalived's lines through a FIFO (the
# promote and demote fail without the module, or reach it where it is
# loaded; the lines the reader acts on are what is checked).
t "notify-fifo without a FIFO" 2 "the FIFO's path is missing" -- notify-fifo
t "notify-fifo -j" 2 "no JSON output" -- -j notify-fifo "$tmp/fifo"
t "notify-fifo bad inbound" 2 "invalid inbound 'maybe'" -- notify-fifo inbound maybe "$tmp/fifo"
t "notify-fifo unknown keyword" 2 "unexpected argument 'loud'" -- notify-fifo loud 1 "$tmp/fifo"
: >"$tmp/plain"
t "notify-fifo on a file" 1 "not a FIFO" -- notify-fifo "$tmp/plain"
mkfifo "$tmp/fifo"
exec 7<>"$tmp/fifo"	# read-write: writes never wait for a reader
"$bin" notify-fifo instance gw log "$tmp/fifo.log" "$tmp/fifo" >"$tmp/fifo.out" 2>/dev/null &
fifo_pid=$!
{
	printf 'INSTANCE "gw" MASTER 150\n'
	printf 'INSTANCE "other" MASTER 100\n'	# another instance
	printf 'INSTANCE "gw" MASTER_PRIORITY 140\n'	# not a state change
	printf 'VS [192.0.2.1]:443 UP\n'	# a checker's line
	printf 'INSTANCE "gw %s" BACKUP 1\n' "$(head -c 600 /dev/zero | tr '\0' x)"	# too long
	printf 'GROUP "gw" FAULT 0\n'
} >&7
sleep 0.5
kill -TERM "$fifo_pid"
printf 'INSTANCE "gw" STOP 150\n' >&7	# after SIGTERM, as keepalived does
wait "$fifo_pid"
fifo_rc=$?
exec 7>&-
c "notify-fifo exits 0 after SIGTERM" '[[ $fifo_rc -eq 0 ]]'
fifo_acts=$(sed 's/ ok in .*\| failed .*//' "$tmp/fifo.out" | tr '\n' ' ')
c "notify-fifo acts on MASTER, FAULT and the STOP after SIGTERM, in order" \
	'[[ $fifo_acts == "master: promote fault: demote stop: demote " ]] || { echo "# $fifo_acts"; false; }'
c "notify-fifo logs each line after its time in ms" \
	'[[ $(grep -cE "^[0-9]{13} (master|fault|stop): (promote|demote) (ok|failed)" "$tmp/fifo.log") -eq 3 ]]'

echo "TAP version 13"
echo "1..$n"
for ((i = 0; i < n; i++)); do
	echo "${results[i]} $((i + 1)) - ${names[i]}"
	d="diag_$((i + 1))"
	[[ -n ${!d:-} ]] && echo "${!d}"
done
echo "cli: $((n - failed)) passed, $failed failed"
[[ $failed -eq 0 ]]
