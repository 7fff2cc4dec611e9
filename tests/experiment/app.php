<?php
// SPDX-License-Identifier: GPL-2.0
// The experiment's page: every request commits one row (a hit) to MariaDB
// through the virtual IP and reads the latest ones back. The database is
// reached through the virtual IP, as an application server would: while it
// moves, the page tries again every 0.2 s for up to 25 s (a connection pool's retry),
// then answers 503. The body names the row it committed: "hit ID". A read
// waits at most 10 s: a node that gives the address up (failback) closes its
// connections from an address it no longer has, and a worker of its own web
// tier that was waiting on one never hears of it (it would wait forever).
mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
header('Content-Type: text/plain');
$deadline = microtime(true) + 25;
for (;;) {
	try {
		$db = mysqli_init();
		$db->options(MYSQLI_OPT_READ_TIMEOUT, 10);
		$db->real_connect('10.0.0.100', 'app', 'app', 'app');
		$db->query('INSERT INTO hits () VALUES ()');
		$id = $db->insert_id;
		$latest = $db->query('SELECT id FROM hits ORDER BY id DESC LIMIT 5')->fetch_all();
		echo "hit $id\n";
		echo 'latest: ' . implode(' ', array_column($latest, 0)) . "\n";
		exit;
	} catch (mysqli_sql_exception $e) {
		if (microtime(true) > $deadline) {
			http_response_code(503);
			echo 'database unavailable: ' . $e->getMessage() . "\n";
			exit;
		}
		usleep(200000);
	}
}
