#!/usr/bin/env bash
# MariaDB with its datadir on /dev/tandem0, inside a test VM (Debian's
# mariadb-server from the host's root). Used by the demo and the VM tests.
#   mariadb.sh create      mkfs.ext4 on /dev/tandem0, mount, a fresh datadir, start, database "app"
#   mariadb.sh start       mount /dev/tandem0 and serve
#   mariadb.sh serve       start the server on the mounted datadir (InnoDB recovers
#                          what a crash left), return once it is ready
#   mariadb.sh halt        stop the server and wait until it is gone
#   mariadb.sh warm        read the server's files into the page cache (see below)
#   mariadb.sh stop        halt, unmount
#   mariadb.sh writer HOST N [FIRST]   insert rows FIRST (1)..N into app.t on HOST, one
#                          commit each; prints each id once its commit returned (an
#                          acknowledged commit)
#   mariadb.sh rows [TABLE]  the ids in app.TABLE (default t), one per line, sorted
set -euo pipefail

DATADIR=/var/lib/mysql
SOCK=/run/mysqld/mysqld.sock
ERRLOG=/run/mysqld/error.log

# mysqld_up: start the server, return once it logs that it is ready for
# connections (where it would tell systemd). A takeover waits for this: the
# wait reads the log with builtins and starts no process.
mysqld_up() {
	local log="" line part rest="" pid i
	[ -d /run/mysqld ] || install -d -m 0755 -o mysql -g mysql /run/mysqld
	if [ -e "$ERRLOG" ]; then
		exec {log}< "$ERRLOG"
		while IFS= read -r -u "$log" line; do :; done
	fi
	mariadbd --user=mysql --datadir="$DATADIR" --socket="$SOCK" --bind-address=0.0.0.0 \
		--pid-file=/run/mysqld/mysqld.pid --log-error="$ERRLOG" \
		--innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
		--innodb-temp-data-file-path=ibtmp1:1M:autoextend \
		--innodb-flush-log-at-trx-commit=1 --skip-name-resolve &
	pid=$!
	for ((i = 0; i < 1200; i++)); do
		[ -n "$log" ] || [ ! -e "$ERRLOG" ] || exec {log}< "$ERRLOG"
		# A line read up to the end of what is written so far is kept
		# in rest until the server writes the rest of it.
		while [ -n "$log" ]; do
			IFS= read -r -u "$log" part || { rest+=$part; break; }
			line=$rest$part rest=""
			[[ $line == *"ready for connections"* ]] && return 0
		done
		kill -0 $pid 2>/dev/null || break
		read -r -t 0.05 <> <(:) || true
	done
	echo "mariadb did not start:" >&2
	tail -n 20 "$ERRLOG" >&2
	return 1
}

case ${1:-} in
create)
	mkfs.ext4 -q -F /dev/tandem0
	mkdir -p "$DATADIR"
	mount /dev/tandem0 "$DATADIR"
	chown mysql:mysql "$DATADIR"
	mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db \
		--auth-root-authentication-method=socket >/dev/null
	mysqld_up
	mariadb --socket="$SOCK" -e "CREATE DATABASE app;
		CREATE TABLE app.t (id INT PRIMARY KEY, at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6)) ENGINE=InnoDB;
		CREATE USER 'app'@'%' IDENTIFIED BY 'app'; GRANT ALL ON app.* TO 'app'@'%';"
	;;
start)
	[ -d "$DATADIR" ] || mkdir -p "$DATADIR"
	mountpoint -q "$DATADIR" || mount /dev/tandem0 "$DATADIR"
	mysqld_up
	;;
serve)
	mysqld_up
	;;
warm)
	# A VM reads its / from the host over 9p: mariadbd alone took 8 s to
	# read the first time, under emulation. A real standby reads it from
	# its own disk in a blink: read now, so that a takeover is not timed
	# on the harness's file system. mount's files too (a takeover mounts),
	# and the server's run directory made.
	for f in /usr/sbin/mariadbd /usr/bin/mariadb-admin /usr/bin/mount; do
		cat "$f" $(ldd "$f" | awk '/=> \//{print $3}') > /dev/null
	done
	cat /usr/share/mysql/charsets/* > /dev/null
	install -d -m 0755 -o mysql -g mysql /run/mysqld
	;;
halt | stop)
	mariadb-admin --socket="$SOCK" shutdown 2>/dev/null || true
	while pidof mariadbd >/dev/null; do sleep 0.1; done
	[ "$1" == halt ] || umount "$DATADIR"
	;;
writer)
	# One session; each INSERT commits (autocommit) before the SELECT that
	# echoes its id runs, so a printed id is a commit the server acknowledged.
	seq "${4:-1}" "$3" | sed 's/.*/INSERT INTO t (id) VALUES (&); SELECT &;/' |
		mariadb --unbuffered -N -B -h "$2" -u app -papp --connect-timeout=5 app
	;;
rows)
	mariadb --socket="$SOCK" -N -B -e "SELECT id FROM app.${2:-t} ORDER BY id"
	;;
*)
	echo "usage: $0 create|start|serve|halt|stop|warm|writer HOST N [FIRST]|rows [TABLE]" >&2
	exit 2
	;;
esac
