// SPDX-License-Identifier: GPL-2.0
/*
 * tandem wire protocol: encoding and checked decoding (see wire.h).
 */
#include "wire.h"
#include "names.h"

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

void tdm_be32_put(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put64(u8 *p, u64 v)
{
	tdm_be32_put(p, v >> 32);
	tdm_be32_put(p + 4, (u32)v);
}

static u16 get16(const u8 *p)
{
	return (u16)(p[0] << 8 | p[1]);
}

u32 tdm_be32_get(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static u64 get64(const u8 *p)
{
	return (u64)tdm_be32_get(p) << 32 | tdm_be32_get(p + 4);
}

void tdm_hdr_encode(u8 *buf, const struct tdm_hdr *h)
{
	tdm_be32_put(buf, h->magic);
	put16(buf + 4, h->type);
	put16(buf + 6, h->flags);
	tdm_be32_put(buf + 8, h->len);
	tdm_be32_put(buf + 12, h->epoch);
	put64(buf + 16, h->seq);
}

/* Is @len a valid payload length for a packet of @type? */
static bool tdm_len_ok(u16 type, u32 len)
{
	switch (type) {
	case TDM_P_HELLO:
		return len == TDM_WIRE_HELLO_LEN || len == TDM_WIRE_HELLO_V1_LEN;
	case TDM_P_AUTH:
		return len == TDM_WIRE_MAC_LEN;
	case TDM_P_REFUSE:
		return len == 4;
	case TDM_P_DATA:
		return len >= TDM_WIRE_DATA_HDR_LEN &&
		       len - TDM_WIRE_DATA_HDR_LEN <= TDM_WIRE_MAX_DATA;
	case TDM_P_READ_REQ:
		return len == TDM_WIRE_DATA_HDR_LEN;
	case TDM_P_READ_REPLY:
		return len <= TDM_WIRE_MAX_DATA;
	case TDM_P_STATE:
		return len == TDM_WIRE_STATE_LEN;
	case TDM_P_SB_INFO:
		return len == TDM_WIRE_SB_INFO_LEN;
	case TDM_P_SIZES:
	case TDM_P_RESIZE:
	case TDM_P_RESIZE_REPLY:
		return len == TDM_WIRE_SIZES_LEN;
	case TDM_P_GEN:
	case TDM_P_SYNC_DONE:
		return len == TDM_WIRE_GEN_LEN;
	case TDM_P_BITMAP:
		return len % TDM_WIRE_RUN_LEN == 0 &&
		       len <= TDM_WIRE_MAX_RUNS * TDM_WIRE_RUN_LEN;
	case TDM_P_VERIFY_REPLY:
		return len && len % 4 == 0 && len <= 4 * TDM_WIRE_VERIFY_BLOCKS;
	case TDM_P_RS_ACK:
	case TDM_P_RS_START:
	case TDM_P_RS_REQUEST:
	case TDM_P_VERIFY_REQ:
	case TDM_P_ACK:
	case TDM_P_PING:
	case TDM_P_PONG:
	case TDM_P_PROMOTE:
	case TDM_P_PROMOTE_REPLY:
	case TDM_P_TARGET_READY:
		return len == 0;
	}
	return false;
}

enum tdm_wire_err tdm_hdr_decode(const u8 *buf, size_t len, struct tdm_hdr *h)
{
	if (len < TDM_WIRE_HDR_LEN)
		return TDM_WIRE_SHORT;
	h->magic = tdm_be32_get(buf);
	h->type = get16(buf + 4);
	h->flags = get16(buf + 6);
	h->len = tdm_be32_get(buf + 8);
	h->epoch = tdm_be32_get(buf + 12);
	h->seq = get64(buf + 16);
	if (h->magic != TDM_WIRE_MAGIC)
		return TDM_WIRE_BAD_MAGIC;
	if (h->type < TDM_P_HELLO || h->type >= __TDM_P_MAX)
		return TDM_WIRE_BAD_TYPE;
	if (!tdm_len_ok(h->type, h->len))
		return TDM_WIRE_BAD_LEN;
	return TDM_WIRE_OK;
}

void tdm_data_encode(u8 *buf, const struct tdm_data *d)
{
	put64(buf, d->sector);
	tdm_be32_put(buf + 8, d->size);
	tdm_be32_put(buf + 12, d->op);
}

static enum tdm_wire_err tdm_data_decode_any(const u8 *buf, size_t len, u32 pkt_len,
					     struct tdm_data *d)
{
	u32 payload;

	if (len < TDM_WIRE_DATA_HDR_LEN || pkt_len < TDM_WIRE_DATA_HDR_LEN)
		return TDM_WIRE_SHORT;
	payload = pkt_len - TDM_WIRE_DATA_HDR_LEN;
	d->sector = get64(buf);
	d->size = tdm_be32_get(buf + 8);
	d->op = tdm_be32_get(buf + 12);
	switch (d->op) {
	case TDM_OP_WRITE:
		if (!d->size || d->size != payload || d->size > TDM_WIRE_MAX_DATA)
			return TDM_WIRE_BAD_LEN;
		break;
	case TDM_OP_FLUSH:
		if (d->size || payload)
			return TDM_WIRE_BAD_LEN;
		return TDM_WIRE_OK;
	case TDM_OP_DISCARD:
	case TDM_OP_WRITE_ZEROES:
		if (!d->size || payload)
			return TDM_WIRE_BAD_LEN;
		break;
	case TDM_OP_READ:
		if (!d->size || payload || d->size > TDM_WIRE_MAX_DATA)
			return TDM_WIRE_BAD_LEN;
		break;
	default:
		return TDM_WIRE_BAD_VALUE;
	}
	if (d->size & 511)
		return TDM_WIRE_BAD_VALUE;
	return TDM_WIRE_OK;
}

enum tdm_wire_err tdm_data_decode(const u8 *buf, size_t len, u32 pkt_len,
				  struct tdm_data *d)
{
	enum tdm_wire_err e = tdm_data_decode_any(buf, len, pkt_len, d);

	return e == TDM_WIRE_OK && d->op == TDM_OP_READ ? TDM_WIRE_BAD_VALUE : e;
}

enum tdm_wire_err tdm_read_req_decode(const u8 *buf, size_t len, u32 pkt_len,
				      struct tdm_data *d)
{
	enum tdm_wire_err e = tdm_data_decode_any(buf, len, pkt_len, d);

	return e == TDM_WIRE_OK && d->op != TDM_OP_READ ? TDM_WIRE_BAD_VALUE : e;
}

#define GEN_FLAGS (TDM_GEN_RESYNC_OWED | TDM_GEN_DISCARD_MINE | TDM_GEN_ASSUME_CLEAN | \
		   TDM_GEN_DISKLESS)

void tdm_gen_encode(u8 *buf, const struct tdm_gen *g)
{
	put64(buf, g->cur);
	put64(buf + 8, g->bitmap);
	put64(buf + 16, g->history[0]);
	put64(buf + 24, g->history[1]);
	put64(buf + 32, g->tiebreak);
	tdm_be32_put(buf + 40, g->flags & GEN_FLAGS);
	tdm_be32_put(buf + 44, 0);
}

enum tdm_wire_err tdm_gen_decode(const u8 *buf, size_t len, struct tdm_gen *g)
{
	if (len < TDM_WIRE_GEN_LEN)
		return TDM_WIRE_SHORT;
	g->cur = get64(buf);
	g->bitmap = get64(buf + 8);
	g->history[0] = get64(buf + 16);
	g->history[1] = get64(buf + 24);
	g->tiebreak = get64(buf + 32);
	g->flags = tdm_be32_get(buf + 40);
	if (g->flags & ~GEN_FLAGS || tdm_be32_get(buf + 44))
		return TDM_WIRE_BAD_VALUE;
	return TDM_WIRE_OK;
}

void tdm_sb_info_encode(u8 *buf, const struct tdm_sb_side *s)
{
	put64(buf, s->changed);
	tdm_be32_put(buf + 8, (s->primary ? 1 : 0) | (s->primary_at_split ? 2 : 0));
	tdm_be32_put(buf + 12, s->pol0);
	tdm_be32_put(buf + 16, s->pol1);
	tdm_be32_put(buf + 20, 0);
}

enum tdm_wire_err tdm_sb_info_decode(const u8 *buf, size_t len, struct tdm_sb_side *s)
{
	u32 flags;

	if (len < TDM_WIRE_SB_INFO_LEN)
		return TDM_WIRE_SHORT;
	s->changed = get64(buf);
	flags = tdm_be32_get(buf + 8);
	s->primary = flags & 1;
	s->primary_at_split = flags & 2;
	s->pol0 = tdm_be32_get(buf + 12);
	s->pol1 = tdm_be32_get(buf + 16);
	s->tiebreak = 0;
	if ((flags & ~3u) || tdm_be32_get(buf + 20) ||
	    s->pol0 < TANDEM_SB0_DISCONNECT || s->pol0 > TANDEM_SB0_DISCARD_OLDER_PRIMARY ||
	    s->pol1 < TANDEM_SB1_DISCONNECT || s->pol1 > TANDEM_SB1_CALL_PRI_LOST_AFTER_SB)
		return TDM_WIRE_BAD_VALUE;
	return TDM_WIRE_OK;
}

void tdm_sizes_encode(u8 *buf, const struct tdm_sizes *s)
{
	put64(buf, s->size);
	put64(buf + 8, s->max);
	tdm_be32_put(buf + 16, s->flags);
	tdm_be32_put(buf + 20, 0);
}

enum tdm_wire_err tdm_sizes_decode(const u8 *buf, size_t len, u16 type, struct tdm_sizes *s)
{
	if (len < TDM_WIRE_SIZES_LEN)
		return TDM_WIRE_SHORT;
	s->size = get64(buf);
	s->max = get64(buf + 8);
	s->flags = tdm_be32_get(buf + 16);
	if ((s->flags & ~TDM_SIZES_FLAGS) || tdm_be32_get(buf + 20) ||
	    (s->size | s->max) % 8 || s->size > s->max || s->max > (1ULL << 50) ||
	    (!s->size && type == TDM_P_SIZES))
		return TDM_WIRE_BAD_VALUE;
	return TDM_WIRE_OK;
}

void tdm_run_encode(u8 *buf, const struct tdm_run *r)
{
	put64(buf, r->start);
	tdm_be32_put(buf + 8, r->count);
}

enum tdm_wire_err tdm_run_decode(const u8 *buf, size_t len, u64 nbits, struct tdm_run *r)
{
	if (len < TDM_WIRE_RUN_LEN)
		return TDM_WIRE_SHORT;
	r->start = get64(buf);
	r->count = tdm_be32_get(buf + 8);
	if (!r->count || r->start >= nbits || r->count > nbits - r->start)
		return TDM_WIRE_BAD_VALUE;
	return TDM_WIRE_OK;
}

bool tdm_run_in_order(const struct tdm_run *r, u64 *next)
{
	if (r->start < *next)
		return false;
	*next = r->start + r->count;
	return true;
}

bool tdm_data_flags_ok(u32 op, u16 flags)
{
	if (flags & ~(TDM_F_FUA | TDM_F_PREFLUSH | TDM_F_RESYNC))
		return false;
	if (op == TDM_OP_FLUSH && !(flags & TDM_F_PREFLUSH))
		return false;
	return !(flags & TDM_F_RESYNC) || op == TDM_OP_WRITE;
}

bool tdm_range_ok(u64 sector, u32 bytes, u64 capacity)
{
	return sector <= capacity && (u64)(bytes >> 9) <= capacity - sector;
}

void tdm_hello_encode(u8 *buf, const struct tdm_hello *h)
{
	tdm_be32_put(buf, h->proto_min);
	tdm_be32_put(buf + 4, h->proto_max);
	put64(buf + 8, h->features);
	put64(buf + 16, h->size_sectors);
	tdm_be32_put(buf + 24, h->flags);
	tdm_be32_put(buf + 28, h->protocol);
	memset(buf + 32, 0, TDM_WIRE_NAME_LEN);
	memcpy(buf + 32, h->name, strnlen(h->name, TDM_WIRE_NAME_LEN - 1));
	memcpy(buf + 96, h->nonce, TDM_WIRE_NONCE_LEN);
	tdm_be32_put(buf + 128, h->lbs);
	tdm_be32_put(buf + 132, h->caps);
}

enum tdm_wire_err tdm_hello_decode(const u8 *buf, size_t len, struct tdm_hello *h)
{
	if (len < TDM_WIRE_HELLO_LEN)
		return TDM_WIRE_SHORT;
	h->proto_min = tdm_be32_get(buf);
	h->proto_max = tdm_be32_get(buf + 4);
	h->features = get64(buf + 8);
	h->size_sectors = get64(buf + 16);
	h->flags = tdm_be32_get(buf + 24);
	h->protocol = tdm_be32_get(buf + 28);
	memcpy(h->name, buf + 32, TDM_WIRE_NAME_LEN);
	memcpy(h->nonce, buf + 96, TDM_WIRE_NONCE_LEN);
	h->lbs = tdm_be32_get(buf + 128);
	h->caps = tdm_be32_get(buf + 132);
	/* The name must be NUL-terminated inside its field, and a valid name. */
	if (!memchr(h->name, '\0', TDM_WIRE_NAME_LEN) ||
	    tdm_name_check(h->name) != TDM_NAME_OK)
		return TDM_WIRE_BAD_VALUE;
	if (h->proto_min > h->proto_max || !h->proto_min)
		return TDM_WIRE_BAD_VALUE;
	if (h->protocol != TANDEM_PROTO_ASYNC && h->protocol != TANDEM_PROTO_SYNC)
		return TDM_WIRE_BAD_VALUE;
	if (h->lbs < 512 || h->lbs > 65536 || (h->lbs & (h->lbs - 1)))
		return TDM_WIRE_BAD_VALUE;
	return TDM_WIRE_OK;
}

enum tdm_refuse tdm_hello_check(const struct tdm_hello *mine,
				const struct tdm_hello *peer, u32 *proto)
{
	u32 lo = mine->proto_min > peer->proto_min ? mine->proto_min : peer->proto_min;
	u32 hi = mine->proto_max < peer->proto_max ? mine->proto_max : peer->proto_max;

	if (lo > hi || (peer->features & ~TDM_HELLO_FEATURES))
		return TDM_REFUSE_PROTO;
	if (strncmp(mine->name, peer->name, TDM_WIRE_NAME_LEN))
		return TDM_REFUSE_NAME;
	/* Two nodes that agree sizes (TDM_P_SIZES) may start from different ones. */
	if (mine->size_sectors != peer->size_sectors &&
	    !(mine->caps & peer->caps & TDM_CAP_SIZES))
		return TDM_REFUSE_SIZE;
	if (mine->protocol != peer->protocol)
		return TDM_REFUSE_PROTOCOL;
	if ((mine->flags ^ peer->flags) & TDM_HELLO_SECRET)
		return TDM_REFUSE_SECRET_MISMATCH;
	/* A write one disk takes and the other fails would make them differ. */
	if (mine->lbs != peer->lbs)
		return TDM_REFUSE_BLOCK_SIZE;
	*proto = hi;
	return TDM_REFUSE_NONE;
}

void tdm_state_encode(u8 *buf, const struct tdm_state *s)
{
	tdm_be32_put(buf, s->role);
	tdm_be32_put(buf + 4, s->disk);
}

enum tdm_wire_err tdm_state_decode(const u8 *buf, size_t len, struct tdm_state *s)
{
	if (len < TDM_WIRE_STATE_LEN)
		return TDM_WIRE_SHORT;
	s->role = tdm_be32_get(buf);
	s->disk = tdm_be32_get(buf + 4);
	if (s->role != TANDEM_ROLE_SECONDARY && s->role != TANDEM_ROLE_PRIMARY)
		return TDM_WIRE_BAD_VALUE;
	if (s->disk < TANDEM_DISK_INCONSISTENT || s->disk > TANDEM_DISK_DISKLESS)
		return TDM_WIRE_BAD_VALUE;
	return TDM_WIRE_OK;
}

void tdm_auth_msg(u8 *buf, bool answerer_accepted, const u8 *asker_nonce,
		  const u8 *answerer_nonce)
{
	memcpy(buf, "tandem-auth-v1\0\0", 16);
	buf[16] = answerer_accepted ? 'A' : 'C';
	memcpy(buf + 17, asker_nonce, TDM_WIRE_NONCE_LEN);
	memcpy(buf + 17 + TDM_WIRE_NONCE_LEN, answerer_nonce, TDM_WIRE_NONCE_LEN);
}

const char *tdm_refuse_str(enum tdm_refuse r)
{
	switch (r) {
	case TDM_REFUSE_NONE:
		return "none";
	case TDM_REFUSE_PROTO:
		return "no common protocol version";
	case TDM_REFUSE_NAME:
		return "resource names differ";
	case TDM_REFUSE_SIZE:
		return "device sizes differ";
	case TDM_REFUSE_PROTOCOL:
		return "replication protocols differ (async vs sync)";
	case TDM_REFUSE_SECRET_MISMATCH:
		return "only one side has a shared secret";
	case TDM_REFUSE_AUTH:
		return "authentication failed (wrong shared secret)";
	case TDM_REFUSE_BOTH_PRIMARY:
		return "both nodes are primary";
	case TDM_REFUSE_MALFORMED:
		return "malformed packet";
	case TDM_REFUSE_SPLIT_BRAIN:
		return "split brain: both nodes wrote on their own; connect the node whose changes are to be dropped with --discard-my-data";
	case TDM_REFUSE_UNRELATED:
		return "unrelated data: the nodes share no data generation";
	case TDM_REFUSE_TARGET_PRIMARY:
		return "the primary's data is older than the peer's: demote it before connecting";
	case TDM_REFUSE_ASSUME_CLEAN:
		return "--assume-clean is only for a disk that never held data (fresh from create-md)";
	case TDM_REFUSE_BLOCK_SIZE:
		return "logical block sizes differ: both backing disks must take the same smallest write";
	case TDM_REFUSE_SOURCE_FAILED:
		return "the resync source's disk has failed: make the peer primary (its data is the good copy)";
	case TDM_REFUSE_NO_DATA:
		return "a diskless node and a peer without its latest data (or diskless too): no good copy to serve";
	case TDM_REFUSE_DISK_TOO_SMALL:
		return "a disk is too small for the device's data";
	case TDM_REFUSE_HANDLER:
		return "the resync target's before-resync-target handler failed: not resyncing (disconnect and connect it again once fixed)";
	case __TDM_REFUSE_MAX:
		break;
	}
	return "unknown reason";
}
