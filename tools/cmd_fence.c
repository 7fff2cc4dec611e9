// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl fence-listen and fence-peer: outdate requests over the service
 * network (the exchange: fencemsg.h), for a cluster manager with no way to
 * reach the peer's tandem (keepalived). The fence-peer handler of the
 * keepalived recipe (tools/ha/tandem-vrrp-fence-peer) runs fence-peer; the
 * peer's tandem-vrrp keeps fence-listen running.
 *
 * fence-peer exits with DRBD's fence-peer codes: 3 the peer's data is
 * inconsistent, 4 outdated (now or already, or its resource is down), 6 the
 * peer is primary, 5 not fenced (no listener, no valid answer, the peer
 * still connected to us until --wait ran out, or this node connected to it
 * again meanwhile); with --down-if-silent S, 7 when no host answered at
 * the address for S seconds: the peer is taken as down, as keepalived
 * takes a master whose adverts stop (use it only where keepalived is
 * master, or promoting: a node cut off from the service network entirely
 * is not told apart from a dead one).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fencemsg.h"
#include "nl.h"
#include "parse.h"
#include "resfile.h"
#include "tandemctl.h"

/* Per read or write of a line: a peer that stalls longer is dropped. */
#define FENCE_IO_TIMEOUT_MS 5000

struct fence_opts {
	const char *name;
	struct tdm_endpoint ep;		/* fence-listen: where; fence-peer: whom */
	char addr[300];			/* ep as given, with its port */
	const char *secret_file;	/* NULL: the resource file's */
	unsigned char secret[TANDEM_SECRET_MAX + 1];
	size_t secret_len;
	long wait_s;			/* fence-peer: for an answer, at most */
	long silent_s;			/* fence-peer --down-if-silent; -1: not given */
};

static void fence_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* To stderr and to syslog. */
static void fence_log(int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "tandemctl: %s\n", msg);
	openlog("tandemctl", 0, LOG_USER);
	syslog(prio, "%s", msg);
	closelog();
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* The secret: --secret-file, else the resource file's; 0 or an exit code. */
static int fence_secret(struct fence_opts *o)
{
	const struct tdm_cfg_res *res;
	struct tdm_cfg cfg;
	int ret;

	if (!o->secret_file) {
		ret = tdm_cfg_load(&cfg);
		if (ret)
			return ret;
		res = tdm_cfg_find(&cfg, o->name);
		if (!res) {
			fprintf(stderr, "tandemctl: no resource '%s' in the configuration\n", o->name);
			return TDM_EXIT_NOTFOUND;
		}
		if (!res->opts.secret_file[0]) {
			fprintf(stderr, "tandemctl: resource '%s' has no secret-file: outdate requests must be signed with one\n",
				o->name);
			return TDM_EXIT_CONFIG;
		}
		return tdm_read_secret(res->opts.secret_file, o->secret, &o->secret_len) ?
		       TDM_EXIT_CONFIG : 0;
	}
	return tdm_read_secret(o->secret_file, o->secret, &o->secret_len) ? TDM_EXIT_USAGE : 0;
}

static socklen_t sockaddr_of(const struct tdm_endpoint *ep, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (ep->addr_len == 4) {
		in->sin_family = AF_INET;
		in->sin_port = htons(ep->port);
		memcpy(&in->sin_addr, ep->addr, 4);
		return sizeof(*in);
	}
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(ep->port);
	memcpy(&in6->sin6_addr, ep->addr, 16);
	return sizeof(*in6);
}

/* Wait until @fd is ready for @events or @deadline (ms, now_ms()); 1, 0 (timed out) or -1. */
static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p = { .fd = fd, .events = events };
	long long left;
	int ret;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		ret = poll(&p, 1, (int)left);
		if (ret >= 0 || errno != EINTR)
			return ret > 0 ? 1 : ret;
	}
}

/* Send all of @line (a non-blocking socket); 0 or -1. */
static int send_line(int fd, const char *line, long long deadline)
{
	size_t len = strlen(line), off = 0;
	ssize_t n;

	while (off < len) {
		n = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
		if (wait_fd(fd, POLLOUT, deadline) <= 0)
			return -1;
	}
	return 0;
}

/* One line (its "\n" dropped) into @buf (TDM_FENCE_LINE_MAX); 0 or -1 (closed, too long, late). */
static int recv_line(int fd, char *buf, long long deadline)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		n = recv(fd, buf + len, 1, 0);
		if (n == 1) {
			if (buf[len] == '\n') {
				buf[len] = '\0';
				return 0;
			}
			if (++len == TDM_FENCE_LINE_MAX - 1)
				return -1;
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return -1;
		if (wait_fd(fd, POLLIN, deadline) <= 0)
			return -1;
	}
}

/* --- fence-listen --- */

/*
 * Act on an authenticated request, as things stand at its receipt (never
 * later: see fencemsg.h); the answer's code, with @reason
 * (TDM_FENCE_REASON_MAX). @nl: NULL if the module is not loaded.
 */
static int fence_act(struct tdm_nl *nl, const struct fence_opts *o, char *reason)
{
	struct tdm_status st;
	struct nl_msg *msg;
	const char *why;
	char kwhy[256];
	int code, ret;

	ret = nl ? tdm_nl_get_status(nl, o->name, &st, kwhy, sizeof(kwhy)) : -ENOENT;
	if (ret && ret != -ENOENT) {
		snprintf(reason, TDM_FENCE_REASON_MAX, "the peer cannot read its status: %.150s",
			 kwhy[0] ? kwhy : strerror(-ret));
		return TDM_FENCE_NOT_FENCED;
	}
	if (tdm_fence_decide(ret ? NULL : &st, &code, &why) == TDM_FENCE_ACT_OUTDATE) {
		msg = tdm_nl_new(nl, TANDEM_CMD_OUTDATE, 0);
		if (!msg || nla_put_string(msg, TANDEM_A_RES_NAME, o->name)) {
			nlmsg_free(msg);
			snprintf(reason, TDM_FENCE_REASON_MAX, "the peer is out of memory");
			return TDM_FENCE_NOT_FENCED;
		}
		ret = tdm_nl_request(nl, msg, NULL, NULL, kwhy, sizeof(kwhy));
		if (ret) {
			/* Connected again meanwhile, or promoted. */
			snprintf(reason, TDM_FENCE_REASON_MAX, "the peer did not outdate its data: %.150s",
				 kwhy[0] ? kwhy : strerror(-ret));
			return TDM_FENCE_NOT_FENCED;
		}
	}
	snprintf(reason, TDM_FENCE_REASON_MAX, "%s", why);
	return code;
}

static void fence_serve(int fd, const struct fence_opts *o, const char *who)
{
	struct tdm_fence_key key = { o->secret, o->secret_len, o->name };
	uint8_t snonce[TDM_FENCE_NONCE], cnonce[TDM_FENCE_NONCE];
	char line[TDM_FENCE_LINE_MAX], why[TDM_FENCE_REASON_MAX + 16];
	struct tdm_nl nl;
	int code, ret;

	if (getrandom(snonce, sizeof(snonce), 0) != sizeof(snonce)) {
		fence_log(LOG_ERR, "%s: no random numbers: %s", o->name, strerror(errno));
		return;
	}
	tdm_fence_greeting(line, snonce);
	if (send_line(fd, line, now_ms() + FENCE_IO_TIMEOUT_MS) ||
	    recv_line(fd, line, now_ms() + FENCE_IO_TIMEOUT_MS))
		return;
	if (tdm_fence_check_request(line, &key, snonce, cnonce, why)) {
		fence_log(LOG_WARNING, "%s: refused a request from %s: %s", o->name, who, why);
		snprintf(line, sizeof(line), "refused %s\n", why);
		send_line(fd, line, now_ms() + FENCE_IO_TIMEOUT_MS);
		return;
	}
	fence_log(LOG_NOTICE, "%s: %s asks this node to outdate its data", o->name, who);
	/* Opened per request: the listener may start before the module is loaded. */
	ret = tdm_nl_open(&nl);
	if (ret == -ENOENT) {
		code = fence_act(NULL, o, why);
	} else if (ret) {
		code = TDM_FENCE_NOT_FENCED;
		snprintf(why, TDM_FENCE_REASON_MAX, "the peer cannot ask its module");
	} else {
		code = fence_act(&nl, o, why);
		tdm_nl_close(&nl);
	}
	fence_log(code == TDM_FENCE_NOT_FENCED ? LOG_WARNING : LOG_NOTICE,
		  "%s: answered %s with %d: %s", o->name, who, code, why);
	tdm_fence_answer(line, &key, snonce, cnonce, code, why);
	send_line(fd, line, now_ms() + FENCE_IO_TIMEOUT_MS);
}

static int fence_listen(const struct fence_opts *o)
{
	struct sockaddr_storage ss, from;
	char who[INET6_ADDRSTRLEN + 8];
	socklen_t len, flen;
	int fd, c, one = 1;

	len = sockaddr_of(&o->ep, &ss);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "tandemctl: socket: %s\n", strerror(errno));
		return TDM_EXIT_FAIL;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 4)) {
		fprintf(stderr, "tandemctl: cannot listen for outdate requests: %s\n", strerror(errno));
		close(fd);
		return TDM_EXIT_FAIL;
	}
	fence_log(LOG_NOTICE, "%s: listening for the peer's outdate requests", o->name);
	for (;;) {
		flen = sizeof(from);
		c = accept4(fd, (struct sockaddr *)&from, &flen, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fence_log(LOG_ERR, "%s: accept: %s", o->name, strerror(errno));
			break;
		}
		if (from.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&from)->sin_addr, who, sizeof(who));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&from)->sin6_addr, who, sizeof(who));
		fence_serve(c, o, who);
		close(c);
	}
	close(fd);
	return TDM_EXIT_FAIL;
}

/* --- fence-peer --- */

/*
 * Connect to the listener; the socket, or -1 with *@silent set if no host
 * answered (no route, or no reply at all) by @deadline, clear if one
 * refused or failed otherwise.
 */
static int fence_connect(const struct fence_opts *o, long long deadline, bool *silent)
{
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(&o->ep, &ss), elen;
	int fd, err, ret;

	*silent = false;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&ss, len) && errno != EINPROGRESS) {
		err = errno;
		goto fail;
	}
	ret = wait_fd(fd, POLLOUT, deadline);
	if (ret <= 0) {
		err = ret ? errno : ETIMEDOUT;
		goto fail;
	}
	elen = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen))
		err = errno;
	if (!err)
		return fd;
fail:
	*silent = err == ETIMEDOUT || err == EHOSTUNREACH || err == ENETUNREACH;
	errno = err;
	close(fd);
	return -1;
}

/*
 * Connect to the listener, trying again until @end (a listener restarting
 * refuses for a moment, a host shutting down refuses and then falls
 * silent); the socket, or -1 with *@code set: TDM_FENCE_DOWN when, with
 * --down-if-silent, nothing answered since an attempt that long ago.
 */
static int fence_reach(const struct fence_opts *o, long long end, int *code)
{
	long long silent_ms = o->silent_s * 1000, tried, since = -1, deadline;
	bool silent;
	int fd;

	for (;;) {
		tried = now_ms();
		deadline = o->silent_s >= 0 && tried + silent_ms < end ? tried + silent_ms : end;
		fd = fence_connect(o, deadline, &silent);
		if (fd >= 0)
			return fd;
		since = silent ? (since < 0 ? tried : since) : -1;
		if (o->silent_s >= 0 && since >= 0 && now_ms() - since >= silent_ms) {
			fence_log(LOG_WARNING, "%s: no answer from %s for %lld ms: the peer is taken as down",
				  o->name, o->addr, now_ms() - since);
			*code = TDM_FENCE_DOWN;
			return -1;
		}
		if (now_ms() >= end) {
			fence_log(LOG_WARNING, "%s: cannot reach the peer's listener at %s: %s: not fenced",
				  o->name, o->addr, strerror(errno));
			*code = TDM_FENCE_NOT_FENCED;
			return -1;
		}
		/* An attempt that failed at once (refused, no route): not so soon again. */
		if (now_ms() < deadline)
			usleep(200 * 1000);
	}
}

/* One request on @fd (closed); the listener's answer, with why in @reason. */
static int fence_ask(const struct fence_opts *o, int fd, char *reason)
{
	struct tdm_fence_key key = { o->secret, o->secret_len, o->name };
	uint8_t snonce[TDM_FENCE_NONCE], cnonce[TDM_FENCE_NONCE];
	char line[TDM_FENCE_LINE_MAX];
	long long deadline = now_ms() + 2 * FENCE_IO_TIMEOUT_MS;
	int code;

	if (getrandom(cnonce, sizeof(cnonce), 0) != sizeof(cnonce)) {
		snprintf(reason, TDM_FENCE_REASON_MAX, "no random numbers: %s", strerror(errno));
		code = -1;
	} else if (recv_line(fd, line, deadline) || tdm_fence_parse_greeting(line, snonce)) {
		snprintf(reason, TDM_FENCE_REASON_MAX, "%.150s is no tandem outdate listener", o->addr);
		code = -1;
	} else {
		tdm_fence_request(line, &key, snonce, cnonce);
		if (send_line(fd, line, deadline) || recv_line(fd, line, deadline)) {
			snprintf(reason, TDM_FENCE_REASON_MAX, "no answer from the listener at %.150s", o->addr);
			code = -1;
		} else {
			code = tdm_fence_check_answer(line, &key, snonce, cnonce, reason);
		}
	}
	close(fd);
	return code;
}

/* This node's resource is connected to the peer again: fencing is moot. */
static bool fence_moot(const struct fence_opts *o)
{
	struct tdm_status st;
	struct tdm_nl nl;
	char why[256];
	bool back;

	if (tdm_nl_open(&nl))
		return false;
	back = !tdm_nl_get_status(&nl, o->name, &st, why, sizeof(why)) &&
	       st.conn_state == TANDEM_CONN_CONNECTED;
	tdm_nl_close(&nl);
	return back;
}

/*
 * Ask until the peer answers 3, 4 or 6, or until the end. The listener acts
 * only at a request's receipt, and this asks again (the peer may not have
 * noticed the lost session yet) only while this node is still cut off: a
 * request never outlives the loss it is about.
 */
static int fence_peer(const struct fence_opts *o)
{
	char reason[TDM_FENCE_REASON_MAX + 1];
	long long end = now_ms() + o->wait_s * 1000;
	int fd, code;

	for (;;) {
		if (fence_moot(o)) {
			fence_log(LOG_NOTICE, "%s: connected to the peer again: not asking it", o->name);
			return TDM_FENCE_NOT_FENCED;
		}
		fd = fence_reach(o, end, &code);
		if (fd < 0)
			return code;
		code = fence_ask(o, fd, reason);
		if (code < 0) {
			fence_log(LOG_WARNING, "%s: %s: not fenced", o->name, reason);
			return TDM_FENCE_NOT_FENCED;
		}
		if (code != TDM_FENCE_NOT_FENCED || now_ms() >= end) {
			fence_log(code == TDM_FENCE_NOT_FENCED ? LOG_WARNING : LOG_NOTICE,
				  "%s: the peer at %s answered %d: %s", o->name, o->addr, code, reason);
			return code;
		}
		usleep(300 * 1000);
	}
}

/* Options of both commands; 0 or an exit code. */
static int fence_args(const char *cmd, int argc, char **argv, struct fence_opts *o, bool peer)
{
	static const struct option opts[] = {
		{ "address", required_argument, NULL, 'a' },
		{ "secret-file", required_argument, NULL, 's' },
		{ "wait", required_argument, NULL, 'w' },
		{ "down-if-silent", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const char *addr = NULL;
	char *end;
	long *v;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 's':
			o->secret_file = optarg;
			break;
		case 'w':
		case 'd':
			if (!peer)
				return tdm_usage_error(cmd, "--%s is fence-peer's",
						       opt == 'w' ? "wait" : "down-if-silent");
			v = opt == 'w' ? &o->wait_s : &o->silent_s;
			errno = 0;
			*v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || *v < 1 || *v > 600)
				return tdm_usage_error(cmd, "--%s is 1 to 600 seconds",
						       opt == 'w' ? "wait" : "down-if-silent");
			break;
		default:
			return tdm_usage_error(cmd, "unknown option");
		}
	}
	ret = tdm_take_name(cmd, argc, argv, &o->name);
	if (ret)
		return ret;
	if (!addr)
		return tdm_usage_error(cmd, "--address ADDR[:PORT] is required");
	/* The port is optional: TDM_FENCE_PORT. */
	if (strchr(addr, ':') && (addr[0] != '[' || strstr(addr, "]:")))
		snprintf(o->addr, sizeof(o->addr), "%s", addr);
	else
		snprintf(o->addr, sizeof(o->addr), "%s:%d", addr, TDM_FENCE_PORT);
	if (tdm_parse_endpoint(o->addr, &o->ep))
		return tdm_usage_error(cmd, "--address: '%s' is not ADDR[:PORT]", addr);
	return fence_secret(o);
}

int cmd_fence_listen(int argc, char **argv)
{
	struct fence_opts o = { .silent_s = -1 };
	int ret;

	ret = fence_args("fence-listen", argc, argv, &o, false);
	return ret ? ret : fence_listen(&o);
}

/*
 * Every failure of its own exits 5 too: tandemctl's other exit codes (3
 * not found, 4 configuration) would read as "inconsistent" and "outdated".
 */
int cmd_fence_peer(int argc, char **argv)
{
	struct fence_opts o = { .wait_s = 30, .silent_s = -1 };

	if (fence_args("fence-peer", argc, argv, &o, true))
		return TDM_FENCE_NOT_FENCED;
	return fence_peer(&o);
}
