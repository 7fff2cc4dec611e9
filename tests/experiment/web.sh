#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The experiment's web tier in a test VM: nginx and PHP-FPM (Debian's, from
# the host's root) serving app.php on port 80. Both run on both nodes all
# the time; the page finds its database through the virtual IP.
#   web.sh start | stop
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=/run/tandem-web

case ${1:-} in
start)
	mkdir -p $RUN
	cat > $RUN/php-fpm.conf <<CONF
[global]
pid = $RUN/php-fpm.pid
error_log = $RUN/php-fpm.log
[app]
user = www-data
group = www-data
listen = $RUN/php.sock
listen.owner = www-data
listen.group = www-data
listen.backlog = 4096
pm = static
pm.max_children = 8
CONF
	cat > $RUN/nginx.conf <<CONF
user www-data;
worker_processes 1;
worker_rlimit_nofile 8192;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log;
events { worker_connections 4096; }
http {
	access_log off;
	server {
		listen 80 backlog=4096;
		location = /app.php {
			include /etc/nginx/fastcgi_params;
			fastcgi_param SCRIPT_FILENAME $HERE/app.php;
			fastcgi_read_timeout 60s;
			fastcgi_pass unix:$RUN/php.sock;
		}
	}
}
CONF
	sysctl -qw net.core.somaxconn=4096
	php-fpm8.2 --fpm-config $RUN/php-fpm.conf
	nginx -c $RUN/nginx.conf -g 'daemon on;'
	;;
stop)
	[ ! -e $RUN/nginx.pid ] || nginx -c $RUN/nginx.conf -s stop
	[ ! -e $RUN/php-fpm.pid ] || kill "$(cat $RUN/php-fpm.pid)"
	;;
*)
	echo "usage: $0 start|stop" >&2
	exit 2
	;;
esac
