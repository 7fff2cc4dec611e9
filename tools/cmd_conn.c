// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: connect, disconnect, primary, secondary.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "tandemctl.h"
#include "tandem_netlink.h"

struct endpoint {
	unsigned char addr[16];
	int addr_len;		/* 4 or 16 */
	uint16_t port;
};

/* "1.2.3.4:7789" or "[fe80::1]:7789" */
static int parse_endpoint(const char *s, struct endpoint *ep)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *h = s;
	size_t hlen;
	char *end;
	long port;

	if (s[0] == '[') {
		colon = strstr(s, "]:");
		if (!colon)
			return -1;
		h = s + 1;
		hlen = colon - h;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hlen = colon - s;
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 1 || port > 65535)
		return -1;
	ep->port = (uint16_t)port;
	if (inet_pton(AF_INET, host, ep->addr) == 1)
		ep->addr_len = 4;
	else if (inet_pton(AF_INET6, host, ep->addr) == 1)
		ep->addr_len = 16;
	else
		return -1;
	return 0;
}

int tdm_format_addr(struct nlattr *addr, struct nlattr *port, char *buf, unsigned int len)
{
	char host[INET6_ADDRSTRLEN];
	int v6;

	if (!addr || !port || (nla_len(addr) != 4 && nla_len(addr) != 16))
		return -1;
	v6 = nla_len(addr) == 16;
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, nla_data(addr), host, sizeof(host)))
		return -1;
	snprintf(buf, len, v6 ? "[%s]:%u" : "%s:%u", host, nla_get_u16(port));
	return 0;
}

/*
 * The shared secret: the file's bytes, without one trailing newline. The
 * file must not be readable by others, as ssh insists for its keys.
 */
static int read_secret(const char *path, unsigned char *buf, size_t *len)
{
	struct stat st;
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "tandemctl: secret file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077)) {
		fprintf(stderr, "tandemctl: secret file %s is readable by others; chmod 600 it\n", path);
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, TANDEM_SECRET_MAX + 1, f);
	fclose(f);
	if (n && buf[n - 1] == '\n')
		n--;
	if (n == 0 || n > TANDEM_SECRET_MAX) {
		fprintf(stderr, "tandemctl: secret file %s must hold 1 to %d bytes\n", path,
			TANDEM_SECRET_MAX);
		return -1;
	}
	*len = n;
	return 0;
}

struct connect_args {
	struct endpoint local, peer;
	uint32_t protocol;
	uint32_t timeout_ms;
	int assume_clean;
	unsigned char secret[TANDEM_SECRET_MAX + 1];
	size_t secret_len;
};

static int put_connect(struct nl_msg *msg, void *arg)
{
	struct connect_args *a = arg;

	return nla_put(msg, TANDEM_A_LOCAL_ADDR, a->local.addr_len, a->local.addr) ||
	       nla_put_u16(msg, TANDEM_A_LOCAL_PORT, a->local.port) ||
	       nla_put(msg, TANDEM_A_PEER_ADDR, a->peer.addr_len, a->peer.addr) ||
	       nla_put_u16(msg, TANDEM_A_PEER_PORT, a->peer.port) ||
	       nla_put_u32(msg, TANDEM_A_PROTOCOL, a->protocol) ||
	       (a->timeout_ms && nla_put_u32(msg, TANDEM_A_TIMEOUT_MS, a->timeout_ms)) ||
	       (a->secret_len && nla_put(msg, TANDEM_A_SECRET, (int)a->secret_len, a->secret)) ||
	       (a->assume_clean && nla_put_flag(msg, TANDEM_A_ASSUME_CLEAN));
}

int cmd_connect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", required_argument, NULL, 'l' },
		{ "peer", required_argument, NULL, 'p' },
		{ "protocol", required_argument, NULL, 'P' },
		{ "secret-file", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "assume-clean", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct connect_args a = { .protocol = TANDEM_PROTO_SYNC };
	int have_local = 0, have_peer = 0, c, ret;
	const char *name;
	char what[128], *end;
	long t;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_endpoint(optarg, &a.local))
				return tdm_usage_error("connect", "--local '%s': expected ADDR:PORT", optarg);
			have_local = 1;
			break;
		case 'p':
			if (parse_endpoint(optarg, &a.peer))
				return tdm_usage_error("connect", "--peer '%s': expected ADDR:PORT", optarg);
			have_peer = 1;
			break;
		case 'P':
			if (!strcmp(optarg, "async"))
				a.protocol = TANDEM_PROTO_ASYNC;
			else if (!strcmp(optarg, "sync"))
				a.protocol = TANDEM_PROTO_SYNC;
			else
				return tdm_usage_error("connect", "--protocol is async or sync");
			break;
		case 's':
			if (read_secret(optarg, a.secret, &a.secret_len))
				return TDM_EXIT_USAGE;
			break;
		case 't':
			errno = 0;
			t = strtol(optarg, &end, 10);
			if (errno || *end || t < 500 || t > 30000)
				return tdm_usage_error("connect", "--timeout is 500 to 30000 ms");
			a.timeout_ms = (uint32_t)t;
			break;
		case 'c':
			a.assume_clean = 1;
			break;
		default:
			return tdm_usage_error("connect", "unknown option");
		}
	}
	ret = tdm_take_name("connect", argc, argv, &name);
	if (ret)
		return ret;
	if (!have_local || !have_peer)
		return tdm_usage_error("connect", "--local and --peer are required");
	snprintf(what, sizeof(what), "connect %s", name);
	ret = tdm_do(what, TANDEM_CMD_CONNECT, name, put_connect, &a);
	memset(a.secret, 0, sizeof(a.secret));
	return ret;
}

int cmd_disconnect(int argc, char **argv)
{
	return tdm_name_only_cmd("disconnect", TANDEM_CMD_DISCONNECT, argc, argv);
}

static int put_force(struct nl_msg *msg, void *arg)
{
	return *(int *)arg ? nla_put_flag(msg, TANDEM_A_FORCE) : 0;
}

int cmd_primary(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name;
	char what[128];
	int force = 0, c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'f')
			return tdm_usage_error("primary", "unknown option");
		force = 1;
	}
	ret = tdm_take_name("primary", argc, argv, &name);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "primary %s", name);
	return tdm_do(what, TANDEM_CMD_PRIMARY, name, put_force, &force);
}

int cmd_secondary(int argc, char **argv)
{
	return tdm_name_only_cmd("secondary", TANDEM_CMD_SECONDARY, argc, argv);
}
