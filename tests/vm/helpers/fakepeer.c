// SPDX-License-Identifier: GPL-2.0
/*
 * fakepeer: a hostile peer for VM tests. It connects to a tandem node as
 * its configured peer, does the handshake (packets encoded by the module's
 * own core), then sends what the node must refuse, and reports whether the
 * node then hung up.
 *
 *   fakepeer LOCAL_IP PEER_IP PORT NAME SECTORS ATTACK
 *
 * Before any handshake, ATTACK: pre-junk (bytes that are no packet instead
 * of a HELLO), replay (the bytes of CAPTURE_FILE, what the real peer sent in
 * an earlier session, sent again as they are).
 * As a fresh primary, ATTACK: verify-wrap (VERIFY_REQ for a range that
 * wraps past 2^64), flush-noflag (an empty DATA flush without
 * TDM_F_PREFLUSH), unknown-flag (a DATA write with a flag bit no version
 * defines), junk (bytes that are no packet), oversize (a DATA header that
 * announces 4 GiB), unknown-type (a packet type no version defines),
 * hello-again (a second HELLO in a session), truncated (a DATA packet cut
 * short, then silence, the socket kept open: the node must time out, not
 * wait for the rest), none (a valid write, which the node must take).
 * As the secondary of a node that is primary (it takes the node's
 * generations as its own), it first stops reading, answering nothing but
 * sending pings, so that the node's sender blocks once the node writes,
 * until GO_FILE exists (the test creates it once the node is blocked) or
 * for STALL_MS at most; then ATTACK: verify-early (answers to the first TDM_VF_WINDOW
 * verify requests the node may have queued but not sent), verify-flood
 * (one verify request more than a peer may have outstanding), stall
 * (nothing more: the node must give up on a peer that takes nothing).
 * As a primary: data-flood (valid writes for FLOOD_MS, never reading the
 * node's acks: the node must stop taking them, not fill its memory).
 * As the secondary of a primary node, without stalling: resize-shrink (it
 * waits for the node's RESIZE, for STALL_MS at most, and answers that it
 * took half the node's size: the node must not shrink).
 * As a secondary that changed the node's data since it last had it (a
 * bitmap resync from us): bitmap-flood (the same bitmap run over and over,
 * for FLOOD_MS: the node must refuse, not read them for ever).
 * Prints "hung up" or "still connected"; exit 0 when it ran, 2 on failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/wire.h"
#include "core/gen.h"

#define STALL_MS 120000	/* a debug kernel in emulation may take most of it to start fio */
#define GO_FILE "/tmp/fakepeer.go"
#define FLOOD_MS 90000		/* ends sooner: when the node hangs up */
#define CAPTURE_FILE "/tmp/fakepeer.capture"
#define VF_WINDOW 8		/* TDM_VF_WINDOW in kmod/tandem.h */
#define VF_SECTORS (TDM_WIRE_VERIFY_BLOCKS * 8)

static int fd = -1;

static void die(const char *what)
{
	fprintf(stderr, "fakepeer: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(2);
}

/* The handshake is over: from now on the node hanging up is the answer. */
static int attacking;

static void send_all(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && attacking && (errno == ECONNRESET || errno == EPIPE)) {
			/* It hung up on the first bad packet, before we sent them all. */
			puts("hung up");
			exit(0);
		}
		if (n <= 0)
			die("send");
		p += n;
		len -= n;
	}
}

/* Read @len bytes, waiting at most @ms for each part: 0, -1 (closed or reset) or -2 (timeout). */
static int recv_all(void *buf, size_t len, int ms)
{
	unsigned char *p = buf;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	while (len) {
		ssize_t n;

		if (poll(&pfd, 1, ms) <= 0)
			return -2;
		n = recv(fd, p, len, 0);
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static void send_hdr(u16 type, u16 flags, u32 epoch, u64 seq, u32 len)
{
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = type, .flags = flags,
			     .len = len, .epoch = epoch, .seq = seq };
	unsigned char buf[TDM_WIRE_HDR_LEN];

	tdm_hdr_encode(buf, &h);
	send_all(buf, sizeof(buf));
}

static void send_pkt(u16 type, u16 flags, u32 epoch, u64 seq, const void *payload, u32 len)
{
	send_hdr(type, flags, epoch, seq, len);
	if (len && payload)
		send_all(payload, len);
}

/* The node's packet of @type, its payload into @buf (@len bytes). */
static void expect_pkt(u16 type, void *buf, u32 len)
{
	unsigned char hb[TDM_WIRE_HDR_LEN];
	struct tdm_hdr h;

	if (recv_all(hb, sizeof(hb), 10000) || tdm_hdr_decode(hb, sizeof(hb), &h) != TDM_WIRE_OK)
		die("handshake: no valid header from the node");
	if (h.type == TDM_P_REFUSE) {
		unsigned char why[4];

		if (!recv_all(why, 4, 1000))
			fprintf(stderr, "fakepeer: refused: %s\n", tdm_refuse_str(tdm_be32_get(why)));
		exit(2);
	}
	if (h.type != type || h.len != len || recv_all(buf, len, 10000))
		die("handshake: unexpected packet");
}

/* HELLO, SIZES and STATE both ways, as a node of @role with an up-to-date disk; @buf holds a HELLO. */
static void hello_state(const char *name, u64 sectors, u32 role, unsigned char *buf)
{
	struct tdm_hello hello = {
		.proto_min = TDM_WIRE_PROTO_MIN, .proto_max = TDM_WIRE_PROTO_MAX,
		.size_sectors = sectors, .protocol = TANDEM_PROTO_SYNC,
		.lbs = 512, .caps = TDM_CAPS,
	};
	struct tdm_state st = { .role = role, .disk = TANDEM_DISK_UPTODATE };
	struct tdm_sizes sizes = { .size = sectors, .max = sectors, .flags = TDM_SIZES_HAS_DATA };

	strncpy(hello.name, name, sizeof(hello.name) - 1);
	tdm_hello_encode(buf, &hello);
	send_pkt(TDM_P_HELLO, 0, 0, 0, buf, TDM_WIRE_HELLO_LEN);
	expect_pkt(TDM_P_HELLO, buf, TDM_WIRE_HELLO_LEN);
	/* Sizes (TDM_CAP_SIZES): the same device, in use. */
	tdm_sizes_encode(buf, &sizes);
	send_pkt(TDM_P_SIZES, 0, 0, 0, buf, TDM_WIRE_SIZES_LEN);
	expect_pkt(TDM_P_SIZES, buf, TDM_WIRE_SIZES_LEN);
	tdm_state_encode(buf, &st);
	send_pkt(TDM_P_STATE, 0, 0, 0, buf, TDM_WIRE_STATE_LEN);
	expect_pkt(TDM_P_STATE, buf, TDM_WIRE_STATE_LEN);
}

/* @secondary: as the node's secondary, with the node's generations. */
static void handshake(const char *name, u64 sectors, int secondary)
{
	struct tdm_gen gen = { .tiebreak = 1 };	/* a fresh disk: nothing to sync */
	unsigned char buf[TDM_WIRE_HELLO_LEN];

	hello_state(name, sectors, secondary ? TANDEM_ROLE_SECONDARY : TANDEM_ROLE_PRIMARY, buf);
	if (secondary) {
		/* Its generations back to it: nothing to sync. */
		expect_pkt(TDM_P_GEN, buf, TDM_WIRE_GEN_LEN);
		send_pkt(TDM_P_GEN, 0, 0, 0, buf, TDM_WIRE_GEN_LEN);
		return;
	}
	tdm_gen_encode(buf, &gen);
	send_pkt(TDM_P_GEN, 0, 0, 0, buf, TDM_WIRE_GEN_LEN);
	expect_pkt(TDM_P_GEN, buf, TDM_WIRE_GEN_LEN);
}

/*
 * Up to the bitmaps of a resync from us to the node: our generations say
 * we changed its current data (a bitmap resync), and we wait for its
 * TARGET_READY (it reads our bitmap first: it listens).
 */
static void handshake_bitmap(const char *name, u64 sectors)
{
	struct tdm_gen node, mine;
	unsigned char buf[TDM_WIRE_HELLO_LEN];

	hello_state(name, sectors, TANDEM_ROLE_SECONDARY, buf);
	expect_pkt(TDM_P_GEN, buf, TDM_WIRE_GEN_LEN);
	if (tdm_gen_decode(buf, TDM_WIRE_GEN_LEN, &node) != TDM_WIRE_OK)
		die("handshake: the node's generations");
	mine = (struct tdm_gen){ .cur = node.cur ^ 0x5a5a5a5a5a5a5a5aULL, .bitmap = node.cur,
				 .history = { node.history[0] }, .tiebreak = node.tiebreak + 1 };
	if (tdm_sync_decide(&node, &mine) != TDM_SYNC_TARGET)
		die("handshake: cannot make the node a bitmap resync target");
	tdm_gen_encode(buf, &mine);
	send_pkt(TDM_P_GEN, 0, 0, 0, buf, TDM_WIRE_GEN_LEN);
	expect_pkt(TDM_P_TARGET_READY, buf, 0);
}

/* The same run of bitmap bits, over and over, for @ms. 1 if the node hung up meanwhile. */
static int bitmap_flood(int ms)
{
	static unsigned char buf[TDM_WIRE_HDR_LEN + TDM_WIRE_MAX_RUNS * TDM_WIRE_RUN_LEN];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_BITMAP,
			     .len = TDM_WIRE_MAX_RUNS * TDM_WIRE_RUN_LEN };
	struct tdm_run r = { .start = 0, .count = 1 };
	struct timespec t0, t;
	unsigned int i;

	tdm_hdr_encode(buf, &h);
	for (i = 0; i < TDM_WIRE_MAX_RUNS; i++)
		tdm_run_encode(buf + TDM_WIRE_HDR_LEN + i * TDM_WIRE_RUN_LEN, &r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) < 0)
			return 1;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
			return 0;
	}
}

/*
 * Read nothing until GO_FILE exists, or for @ms; a ping every 250 ms keeps
 * the node from timing out. 1 if the node hung up meanwhile.
 */
static int stall(int ms)
{
	unsigned char buf[TDM_WIRE_HDR_LEN];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_PING };

	tdm_hdr_encode(buf, &h);
	for (; ms > 0 && access(GO_FILE, F_OK); ms -= 250) {
		if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) != sizeof(buf))
			return 1;
		usleep(250000);
	}
	return 0;
}

/*
 * Send valid 4 KiB writes for @ms, reading nothing (not the node's acks
 * either); a send that finds the node's window shut waits for it (the node
 * stopped reading). 1 if the node hung up meanwhile.
 */
static int flood(int ms)
{
	unsigned char buf[TDM_WIRE_HDR_LEN + TDM_WIRE_DATA_HDR_LEN + 4096];
	struct tdm_data d = { .size = 4096, .op = TDM_OP_WRITE };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 250000 };
	struct timespec t0, t;
	u64 seq = 1;
	size_t off;

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_DATA, .epoch = 1,
				     .seq = seq, .len = TDM_WIRE_DATA_HDR_LEN + 4096 };

		d.sector = (seq % 1024) * 8;
		tdm_hdr_encode(buf, &h);
		tdm_data_encode(buf + TDM_WIRE_HDR_LEN, &d);
		for (off = 0; off < sizeof(buf);) {
			ssize_t n = send(fd, buf + off, sizeof(buf) - off, MSG_NOSIGNAL);

			clock_gettime(CLOCK_MONOTONIC, &t);
			if ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000 > ms)
				return 0;
			if (n > 0)
				off += n;
			else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
				return 1;
		}
		seq++;
	}
}

/* The whole of @path, as it is. */
static void send_file(const char *path)
{
	unsigned char buf[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		die(path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		send_all(buf, n);
	fclose(f);
}

/* @len bytes that are no packet (no header has this magic). */
static void send_junk(size_t len)
{
	unsigned char buf[4096];

	memset(buf, 0xa5, sizeof(buf));
	while (len) {
		size_t n = len < sizeof(buf) ? len : sizeof(buf);

		send_all(buf, n);
		len -= n;
	}
}

static void send_data(u16 flags, u64 seq, u64 sector, u32 size, u32 op)
{
	struct tdm_data d = { .sector = sector, .size = size, .op = op };
	unsigned char buf[TDM_WIRE_DATA_HDR_LEN + 4096];
	u32 payload = op == TDM_OP_WRITE ? size : 0;

	memset(buf, 0x5a, sizeof(buf));
	tdm_data_encode(buf, &d);
	send_pkt(TDM_P_DATA, flags, 1, seq, buf, TDM_WIRE_DATA_HDR_LEN + payload);
}

/*
 * Does the node hang up within @ms? Its packets meanwhile are read and
 * skipped, its pings answered if @pong (else it would hang up for our
 * silence).
 */
static int hangs_up(int ms, int pong)
{
	unsigned char hb[TDM_WIRE_HDR_LEN], skip[4096];
	struct timespec t0, t;
	struct tdm_hdr h;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		int left;
		u32 n;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;
		switch (recv_all(hb, 1, left)) {
		case -1:
			return 1;
		case -2:
			return 0;
		}
		if (recv_all(hb + 1, sizeof(hb) - 1, 2000) ||
		    tdm_hdr_decode(hb, sizeof(hb), &h) != TDM_WIRE_OK)
			return 1;
		for (n = h.len; n; n -= n > sizeof(skip) ? sizeof(skip) : n)
			if (recv_all(skip, n > sizeof(skip) ? sizeof(skip) : n, 2000))
				return 1;
		if (h.type == TDM_P_PING && pong)
			send_pkt(TDM_P_PONG, 0, 0, 0, NULL, 0);
	}
}

/*
 * Read the node's packets until one of @type (its payload into @buf, @len
 * bytes), answering pings, for @ms at most. 0, or -1.
 */
static int await_pkt(u16 type, unsigned char *buf, u32 len, int ms)
{
	unsigned char hb[TDM_WIRE_HDR_LEN], skip[4096];
	struct tdm_hdr h;
	u32 n;

	for (; ms > 0; ms -= 100) {
		switch (recv_all(hb, 1, 100)) {
		case -1:
			return -1;
		case -2:
			continue;
		}
		if (recv_all(hb + 1, sizeof(hb) - 1, 2000) ||
		    tdm_hdr_decode(hb, sizeof(hb), &h) != TDM_WIRE_OK)
			return -1;
		if (h.type == type && h.len == len)
			return recv_all(buf, len, 2000) ? -1 : 0;
		for (n = h.len; n; n -= n > sizeof(skip) ? sizeof(skip) : n)
			if (recv_all(skip, n > sizeof(skip) ? sizeof(skip) : n, 2000))
				return -1;
		if (h.type == TDM_P_PING)
			send_pkt(TDM_P_PONG, 0, 0, 0, NULL, 0);
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct sockaddr_in local = { .sin_family = AF_INET }, peer = { .sin_family = AF_INET };
	const char *attack;
	int one = 1, secondary, i;

	if (argc != 7) {
		fprintf(stderr, "usage: fakepeer LOCAL_IP PEER_IP PORT NAME SECTORS ATTACK\n");
		return 2;
	}
	attack = argv[6];
	if (inet_pton(AF_INET, argv[1], &local.sin_addr) != 1 ||
	    inet_pton(AF_INET, argv[2], &peer.sin_addr) != 1)
		die("bad address");
	peer.sin_port = htons(atoi(argv[3]));
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof(local)) ||
	    connect(fd, (struct sockaddr *)&peer, sizeof(peer)))
		die("connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	unlink(GO_FILE);
	if (!strcmp(attack, "pre-junk")) {
		attacking = 1;
		send_junk(4096);
		puts(hangs_up(10000, 0) ? "hung up" : "still connected");
		return 0;
	}
	if (!strcmp(attack, "replay")) {
		attacking = 1;
		send_file(CAPTURE_FILE);
		puts(hangs_up(10000, 0) ? "hung up" : "still connected");
		return 0;
	}
	if (!strcmp(attack, "bitmap-flood")) {
		handshake_bitmap(argv[4], strtoull(argv[5], NULL, 0));
		attacking = 1;
		puts(bitmap_flood(FLOOD_MS) ? "hung up" : "still connected");
		return 0;
	}
	secondary = !strcmp(attack, "verify-early") || !strcmp(attack, "verify-flood") ||
		    !strcmp(attack, "stall") || !strcmp(attack, "resize-shrink");
	handshake(argv[4], strtoull(argv[5], NULL, 0), secondary);
	if (!strcmp(attack, "resize-shrink")) {
		u64 sectors = strtoull(argv[5], NULL, 0);
		struct tdm_sizes s = { .size = sectors / 2 / 8 * 8, .max = sectors / 8 * 8 };
		unsigned char b[TDM_WIRE_SIZES_LEN];

		if (await_pkt(TDM_P_RESIZE, b, sizeof(b), STALL_MS))
			die("no RESIZE from the node");
		attacking = 1;
		tdm_sizes_encode(b, &s);
		send_pkt(TDM_P_RESIZE_REPLY, 0, 0, 0, b, sizeof(b));
		puts(hangs_up(4000, 1) ? "hung up" : "still connected");
		return 0;
	}
	if (secondary && stall(STALL_MS)) {
		puts("hung up");
		return 0;
	}
	attacking = 1;

	if (!strcmp(attack, "verify-early")) {
		unsigned char crcs[4 * TDM_WIRE_VERIFY_BLOCKS] = { 0 };

		for (i = 0; i < VF_WINDOW; i++)
			send_pkt(TDM_P_VERIFY_REPLY, 0, VF_SECTORS * 512, i * VF_SECTORS,
				 crcs, sizeof(crcs));
	} else if (!strcmp(attack, "verify-flood")) {
		for (i = 0; i <= VF_WINDOW; i++)
			send_pkt(TDM_P_VERIFY_REQ, 0, VF_SECTORS * 512, i * VF_SECTORS, NULL, 0);
	} else if (!strcmp(attack, "stall")) {
		/* Nothing more: the stall was the attack. */
	} else if (!strcmp(attack, "data-flood")) {
		if (flood(FLOOD_MS)) {
			puts("hung up");
			return 0;
		}
	} else if (!strcmp(attack, "verify-wrap"))
		send_pkt(TDM_P_VERIFY_REQ, 0, 4096, ~0ULL - 7, NULL, 0);
	else if (!strcmp(attack, "read-wrap")) {
		struct tdm_data d = { .sector = ~0ULL - 7, .size = 4096, .op = TDM_OP_READ };
		unsigned char b[TDM_WIRE_DATA_HDR_LEN];

		tdm_data_encode(b, &d);
		send_pkt(TDM_P_READ_REQ, 0, 0, 1, b, sizeof(b));
	} else if (!strcmp(attack, "read-unasked")) {
		unsigned char b[4096];

		memset(b, 0x5a, sizeof(b));
		send_pkt(TDM_P_READ_REPLY, 0, 0, 77, b, sizeof(b));
	} else if (!strcmp(attack, "flush-noflag"))
		send_data(0, 1, 0, 0, TDM_OP_FLUSH);
	else if (!strcmp(attack, "unknown-flag"))
		send_data(0x8, 1, 0, 4096, TDM_OP_WRITE);
	else if (!strcmp(attack, "junk"))
		send_junk(65536);
	else if (!strcmp(attack, "oversize"))
		send_hdr(TDM_P_DATA, 0, 1, 1, 0xffffffffu);
	else if (!strcmp(attack, "unknown-type"))
		send_hdr(250, 0, 1, 1, 0);
	else if (!strcmp(attack, "hello-again")) {
		struct tdm_hello hello = { .proto_min = TDM_WIRE_PROTO_MIN,
					   .proto_max = TDM_WIRE_PROTO_MAX };
		unsigned char b[TDM_WIRE_HELLO_LEN];

		tdm_hello_encode(b, &hello);
		send_pkt(TDM_P_HELLO, 0, 0, 0, b, sizeof(b));
	} else if (!strcmp(attack, "truncated")) {
		struct tdm_data d = { .sector = 0, .size = 4096, .op = TDM_OP_WRITE };
		unsigned char b[TDM_WIRE_DATA_HDR_LEN + 100];

		memset(b, 0x5a, sizeof(b));
		tdm_data_encode(b, &d);
		send_hdr(TDM_P_DATA, 0, 1, 2, TDM_WIRE_DATA_HDR_LEN + 4096);
		send_all(b, sizeof(b));
		puts(hangs_up(30000, 0) ? "hung up" : "still connected");
		return 0;
	} else if (!strcmp(attack, "none"))
		send_data(0, 1, 0, 4096, TDM_OP_WRITE);
	else
		die("unknown attack");
	puts(hangs_up(4000, 1) ? "hung up" : "still connected");
	return 0;
}
