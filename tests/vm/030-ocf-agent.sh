description="OCF resource agent: meta-data against the DTD, ocf-tester's run through every action, exit codes, promotion scores that never promote stale data, outdate"
groups="ha"
requires="ocf-tester xmllint"

AGENT=tools/ha/tandem.ocf
# agent VM ACTION: run the agent for r0; prints its output, then "rc=N score=S".
agent() {
	on "$1" "PATH=/tmp/stub:\$PATH OCF_RESKEY_resource=r0 OCF_RESKEY_config_dir=$CONF $AGENT $2 2>&1; rc=\$?
echo \"rc=\$rc score=\$(cat /tmp/score 2>/dev/null || echo none)\"" | tail -n 1
}

# expect_agent VM ACTION WANT: the agent's exit code and the score after it.
expect_agent() {
	local got
	got=$(agent "$1" "$2")
	expect_eq "$got" "$3" "$2 on $1"
}

run_test() {
	local vm
	for vm in alpha beta; do
		# The first 128 MiB of vda: the initial full sync below copies all of it.
		ok "$vm" 'blkdiscard -f /dev/vda && dmsetup create small --table "0 262144 linear /dev/vda 0" && dmsetup mknodes small'
		write_conf "$vm" /dev/mapper/small
		crm_stub "$vm"
		ok "$vm" "TANDEM_CONFIG_DIR=$CONF tandemctl create-md r0 >/dev/null"
	done

	step "meta-data validates against the OCF DTD and lists every action"
	ok alpha "cp /usr/share/resource-agents/ra-api-1.dtd /tmp/ && $AGENT meta-data > /tmp/md.xml && xmllint --noout --dtdvalid /tmp/ra-api-1.dtd /tmp/md.xml && grep -o 'action name=\"[a-z-]*\"' /tmp/md.xml | sort -u | tr '\n' ' '"
	expect_eq "$OUT" 'action name="demote" action name="meta-data" action name="monitor" action name="notify" action name="promote" action name="start" action name="stop" action name="validate-all" ' "actions in meta-data"

	step "exit codes before anything runs"
	expect_agent alpha monitor "rc=7 score=none"
	expect_agent alpha stop "rc=0 score=none"
	expect_agent alpha bogus "rc=3 score=none"
	got=$(on alpha "OCF_RESKEY_config_dir=$CONF $AGENT validate-all; echo rc=\$?" 2>&1 | tail -n1)
	expect_eq "$got" "rc=6" "validate-all without the resource parameter"
	got=$(on alpha "OCF_RESKEY_resource=r9 OCF_RESKEY_config_dir=$CONF $AGENT validate-all; echo rc=\$?" 2>&1 | tail -n1)
	expect_eq "$got" "rc=6" "validate-all of a resource not in the files"

	step "a fresh pair: no score until the data is known up to date"
	ok beta "TANDEM_CONFIG_DIR=$CONF tandemctl up r0"
	expect_agent alpha "start" "rc=0 score=none"
	expect_agent alpha monitor "rc=0 score=none"
	refused alpha "PATH=/tmp/stub:\$PATH OCF_RESKEY_resource=r0 OCF_RESKEY_config_dir=$CONF $AGENT promote" "not known to be up to date"
	ok alpha 'tandemctl primary r0 --force'
	wait_field beta disk_state uptodate 300
	expect_agent alpha monitor "rc=8 score=10000"
	expect_agent beta monitor "rc=0 score=10000"
	expect_agent beta notify "rc=0 score=10000"
	refused beta "PATH=/tmp/stub:\$PATH OCF_RESKEY_resource=r0 OCF_RESKEY_config_dir=$CONF $AGENT promote" "peer is primary"

	step "ocf-tester drives beta through every action (alpha stays up, secondary)"
	expect_agent alpha demote "rc=0 score=10000"
	ok beta "PATH=/tmp/stub:\$PATH ocf-tester -n r0 -o resource=r0 -o config_dir=$CONF $TDM_TOP/$AGENT"
	grep -q "tandem.ocf passed all tests" <<<"$OUT" || fail "ocf-tester" "$OUT"
	expect_agent beta monitor "rc=7 score=none"

	step "switch over through the agent; stop refused while the device is open"
	expect_agent beta start "rc=0 score=10000"
	expect_agent beta promote "rc=0 score=10000"
	expect_agent beta promote "rc=0 score=10000"
	ok beta 'sleep 30 < /dev/tandem0 > /dev/null 2>&1 & echo $! > /tmp/holder'
	expect_agent beta stop "rc=1 score=10000"
	expect_agent beta demote "rc=1 score=10000"
	expect_agent beta monitor "rc=8 score=10000"
	ok beta 'kill $(cat /tmp/holder); sleep 0.3'

	step "alpha alone: up to date but unsure of its peer (1000); outdated: none, and promote refused"
	ok alpha 'tandemctl disconnect r0'
	expect_agent alpha monitor "rc=0 score=1000"
	ok alpha 'tandemctl outdate r0 && tandemctl status r0 --json'
	grep -q '"disk_state":"outdated"' <<<"$OUT" || fail "outdate" "$OUT"
	expect_agent alpha monitor "rc=0 score=none"
	expect_agent alpha promote "rc=1 score=none"
	refused alpha 'tandemctl primary r0' 'outdated'
	refused beta 'tandemctl outdate r0' 'primary'
	ok alpha 'tandemctl detach r0 && tandemctl attach r0 --minor 0 --disk /dev/mapper/small && tandemctl status r0 --json'
	grep -q '"disk_state":"outdated"' <<<"$OUT" || fail "outdated survives a detach" "$OUT"

	step "back with its peer, alpha resyncs and is worth promoting again"
	ok beta 'dd if=/dev/urandom of=/dev/tandem0 bs=4k count=64 oflag=direct status=none'
	expect_agent alpha start "rc=0 score=10000"
	wait_field alpha disk_state uptodate 60
	refused alpha 'tandemctl outdate r0' 'connected'
	expect_agent beta demote "rc=0 score=10000"
	expect_agent alpha promote "rc=0 score=10000"
	expect_agent alpha stop "rc=0 score=none"
	expect_agent beta stop "rc=0 score=none"
	expect_agent beta monitor "rc=7 score=none"
}
