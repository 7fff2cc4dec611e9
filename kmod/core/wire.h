/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem's wire protocol between two nodes, over one TCP connection.
 * Every packet is a 24-byte header, big-endian, then `len` payload bytes:
 *
 *   0  be32 magic   TDM_WIRE_MAGIC
 *   4  be16 type    enum tdm_pkt
 *   6  be16 flags   per type
 *   8  be32 len     payload bytes that follow
 *  12  be32 epoch   DATA: write epoch (see kmod/replication.c);
 *                   RS_ACK, VERIFY_REQ, VERIFY_REPLY: bytes; else 0
 *  16  be64 seq     DATA/ACK: request id; RS_ACK, VERIFY_*: first sector; else 0
 *
 * Decoding never trusts the peer: every length is checked against the
 * packet type before anything is read or allocated.
 */
#ifndef TDM_CORE_WIRE_H
#define TDM_CORE_WIRE_H

#include "core_types.h"
#include "gen.h"
#include "tandem_netlink.h"

#define TDM_WIRE_MAGIC		0x54444d31u	/* "TDM1" */
#define TDM_WIRE_HDR_LEN	24
/* 2: HELLO carries the disk's logical block size and what it can do. */
#define TDM_WIRE_PROTO_MIN	2
#define TDM_WIRE_PROTO_MAX	2
/* Largest write payload in one DATA packet; the device splits bios to it. */
#define TDM_WIRE_MAX_DATA	(1u << 20)
#define TDM_WIRE_DATA_HDR_LEN	16
#define TDM_WIRE_HELLO_LEN	136
#define TDM_WIRE_HELLO_V1_LEN	128	/* accepted in a header only, to be refused */
#define TDM_WIRE_NONCE_LEN	32
#define TDM_WIRE_MAC_LEN	32
#define TDM_WIRE_STATE_LEN	8
#define TDM_WIRE_NAME_LEN	64
#define TDM_WIRE_GEN_LEN	48
#define TDM_WIRE_RUN_LEN	12
#define TDM_WIRE_SB_INFO_LEN	24
#define TDM_WIRE_SIZES_LEN	24
/* Largest range one VERIFY_REQ asks for: 64 blocks of 4 KiB. */
#define TDM_WIRE_VERIFY_BLOCKS	64
/* Most bitmap runs in one BITMAP packet. */
#define TDM_WIRE_MAX_RUNS	1024

enum tdm_pkt {
	TDM_P_HELLO = 1,	/* struct tdm_hello */
	TDM_P_AUTH,		/* HMAC proving the shared secret */
	TDM_P_REFUSE,		/* be32 enum tdm_refuse: why the sender hangs up */
	TDM_P_DATA,		/* struct tdm_data + payload */
	TDM_P_ACK,		/* a DATA packet is done on the peer's disk */
	TDM_P_PING,
	TDM_P_PONG,
	TDM_P_STATE,		/* struct tdm_state: the sender's role and disk */
	TDM_P_PROMOTE,		/* may the sender become primary? */
	TDM_P_PROMOTE_REPLY,	/* flags: TDM_PROMOTE_OK or not */
	TDM_P_GEN,		/* struct tdm_gen: the sender's data generations */
	TDM_P_BITMAP,		/* runs of the sender's dirty bitmap; empty: the last */
	TDM_P_RS_ACK,		/* a resync write (DATA with TDM_F_RESYNC) is on disk */
	TDM_P_SYNC_DONE,	/* struct tdm_gen: resync finished, take these generations */
	TDM_P_VERIFY_REQ,	/* send the checksums of a range */
	TDM_P_VERIFY_REPLY,	/* be32 crc32c of each 4 KiB block of the range */
	TDM_P_RS_START,		/* after pulling ahead: the sender resyncs what it marked */
	TDM_P_RS_REQUEST,	/* the sender's data is suspect (invalidate): resync every
				 * block to it (only to a peer with TDM_CAP_RS_REQUEST) */
	TDM_P_READ_REQ,		/* struct tdm_data, op TDM_OP_READ: a diskless primary reads
				 * through the peer (only one with TDM_CAP_READ); seq: its id */
	TDM_P_READ_REPLY,	/* the data READ_REQ @seq asked for; TDM_ACK_ERROR: none (len 0) */
	TDM_P_SB_INFO,		/* struct tdm_sb_side: after a split brain both found, in the
				 * handshake, between peers with TDM_CAP_SB_INFO */
	TDM_P_TARGET_READY,	/* in the handshake, between peers with TDM_CAP_TARGET_READY:
				 * the resync target may be written (its before-resync-target
				 * handler is done); PINGs before it while the handler runs */
	TDM_P_SIZES,		/* struct tdm_sizes, in the handshake between peers with
				 * TDM_CAP_SIZES: the device's size is agreed (core/sizes.h) */
	TDM_P_RESIZE,		/* struct tdm_sizes: grow the device (resize on the sender) */
	TDM_P_RESIZE_REPLY,	/* struct tdm_sizes, flags: enum tdm_resize_err */
	__TDM_P_MAX,
};

/* DATA header flags */
#define TDM_F_FUA		0x1
#define TDM_F_PREFLUSH		0x2
#define TDM_F_RESYNC		0x4	/* resync data, not an application write */
/* ACK flags */
#define TDM_ACK_ERROR		0x1
/* PROMOTE_REPLY flags */
#define TDM_PROMOTE_OK		0x1

enum tdm_data_op {
	TDM_OP_WRITE = 1,	/* size bytes of payload follow */
	TDM_OP_FLUSH,		/* empty flush: size 0 */
	TDM_OP_DISCARD,
	TDM_OP_WRITE_ZEROES,
	TDM_OP_READ,		/* READ_REQ only: size bytes are asked for */
};

/* Roles, disk states and protocols travel as their UAPI values. */

/* Why a node refuses a connection (REFUSE payload, and status). */
enum tdm_refuse {
	TDM_REFUSE_NONE,
	TDM_REFUSE_PROTO,		/* no common protocol version */
	TDM_REFUSE_NAME,		/* resource names differ */
	TDM_REFUSE_SIZE,		/* device sizes differ */
	TDM_REFUSE_PROTOCOL,		/* one is async, the other sync */
	TDM_REFUSE_SECRET_MISMATCH,	/* one has a secret, the other not */
	TDM_REFUSE_AUTH,		/* wrong secret */
	TDM_REFUSE_BOTH_PRIMARY,	/* both are primary */
	TDM_REFUSE_MALFORMED,		/* a packet broke the protocol */
	TDM_REFUSE_SPLIT_BRAIN,		/* both nodes wrote on their own */
	TDM_REFUSE_UNRELATED,		/* no common data generation */
	TDM_REFUSE_TARGET_PRIMARY,	/* the node with the older data is primary */
	TDM_REFUSE_ASSUME_CLEAN,	/* assume-clean on a disk that has data */
	TDM_REFUSE_BLOCK_SIZE,		/* the devices' logical block sizes differ */
	TDM_REFUSE_SOURCE_FAILED,	/* the resync source's disk has failed */
	TDM_REFUSE_NO_DATA,		/* diskless, and no good copy on the peer */
	TDM_REFUSE_HANDLER,		/* the target's before-resync-target handler failed */
	TDM_REFUSE_DISK_TOO_SMALL,	/* a disk cannot hold the device's data */
	__TDM_REFUSE_MAX,
};

struct tdm_hdr {
	u32 magic;
	u16 type;
	u16 flags;
	u32 len;
	u32 epoch;
	u64 seq;
};

struct tdm_data {
	u64 sector;
	u32 size;		/* bytes of the request */
	u32 op;			/* enum tdm_data_op */
};

#define TDM_HELLO_SECRET	0x1	/* the sender has a shared secret */
/*
 * Optional protocol features this version knows in tdm_hello.features: none.
 * A peer that sets any other bit is refused (TDM_REFUSE_PROTO), so a bit can
 * be given a meaning later without being ignored by this version.
 */
#define TDM_HELLO_FEATURES	0ULL

/* What the sender's backing disk can do (tdm_hello.caps). */
#define TDM_CAP_DISCARD		0x1
#define TDM_CAP_WRITE_ZEROES	0x2
#define TDM_CAP_RS_REQUEST	0x4	/* the node answers TDM_P_RS_REQUEST */
#define TDM_CAP_READ		0x8	/* the node answers TDM_P_READ_REQ */
#define TDM_CAP_SB_INFO		0x10	/* the node sends TDM_P_SB_INFO after a split brain */
#define TDM_CAP_TARGET_READY	0x20	/* a resync target sends TDM_P_TARGET_READY, a source
					 * waits for it */
#define TDM_CAP_SB_AGE		0x40	/* SB_INFO may say the node was primary when the split
					 * began (sent only to a peer with this bit) */
#define TDM_CAP_SIZES		0x80	/* the node agrees sizes (TDM_P_SIZES) and resizes */
#define TDM_CAPS		(TDM_CAP_DISCARD | TDM_CAP_WRITE_ZEROES | TDM_CAP_RS_REQUEST | \
				 TDM_CAP_READ | TDM_CAP_SB_INFO | TDM_CAP_TARGET_READY | \
				 TDM_CAP_SB_AGE | TDM_CAP_SIZES)

struct tdm_hello {
	u32 proto_min;
	u32 proto_max;
	u64 features;		/* TDM_HELLO_FEATURES bits only: zero today */
	u64 size_sectors;
	u32 flags;
	u32 protocol;		/* enum tandem_protocol */
	char name[TDM_WIRE_NAME_LEN];
	u8 nonce[TDM_WIRE_NONCE_LEN];
	u32 lbs;		/* the sender's device's logical block size: 512..65536, a power of 2 */
	u32 caps;		/* TDM_CAP_*; unknown bits are ignored */
};

struct tdm_state {
	u32 role;		/* enum tandem_role */
	u32 disk;		/* enum tandem_disk_state */
};

/*
 * SIZES, RESIZE, RESIZE_REPLY: be64 size, be64 max, be32 flags, be32 0.
 * Sizes in sectors, whole 4 KiB blocks, size <= max (RESIZE: size 0 asks
 * for the largest both disks hold).
 */
struct tdm_sizes {
	u64 size;		/* SIZES: the device's size; RESIZE: the size asked
				 * for; RESIZE_REPLY: the size taken, 0 if refused */
	u64 max;		/* the most the sender's disk holds */
	u32 flags;		/* TDM_SIZES_* */
};

#define TDM_SIZES_HAS_DATA	0x1	/* SIZES: the sender's data is in use at its size
					 * (a generation, or primary) */
#define TDM_SIZES_ASSUME_CLEAN	0x2	/* RESIZE: the new space is equal on both disks */
#define TDM_SIZES_FLAGS		(TDM_SIZES_HAS_DATA | TDM_SIZES_ASSUME_CLEAN)

/* A run of set bits in a BITMAP packet: be64 first bit, be32 count. */
struct tdm_run {
	u64 start;
	u32 count;
};

enum tdm_wire_err {
	TDM_WIRE_OK,
	TDM_WIRE_SHORT,		/* fewer bytes than the structure needs */
	TDM_WIRE_BAD_MAGIC,
	TDM_WIRE_BAD_TYPE,
	TDM_WIRE_BAD_LEN,	/* length not allowed for this type */
	TDM_WIRE_BAD_VALUE,	/* a field out of its range */
};

void tdm_hdr_encode(u8 *buf, const struct tdm_hdr *h);
/* Decode and check a header (magic, type, length rules of the type). */
enum tdm_wire_err tdm_hdr_decode(const u8 *buf, size_t len, struct tdm_hdr *h);

void tdm_data_encode(u8 *buf, const struct tdm_data *d);
/* Decode a DATA payload's header; @pkt_len is the header's len field. */
enum tdm_wire_err tdm_data_decode(const u8 *buf, size_t len, u32 pkt_len,
				  struct tdm_data *d);
/* Decode a READ_REQ payload (a struct tdm_data of op TDM_OP_READ). */
enum tdm_wire_err tdm_read_req_decode(const u8 *buf, size_t len, u32 pkt_len,
				      struct tdm_data *d);
/*
 * Is the range of @bytes at @sector inside a device of @capacity sectors?
 * For every range a peer names (DATA, RS_ACK, VERIFY_REQ): no sum wraps.
 */
bool tdm_range_ok(u64 sector, u32 bytes, u64 capacity);
/*
 * Are a DATA packet's header @flags valid for its @op? Only TDM_F_* bits;
 * a FLUSH carries TDM_F_PREFLUSH (else it would be an empty plain write);
 * TDM_F_RESYNC only on a WRITE.
 */
bool tdm_data_flags_ok(u32 op, u16 flags);

void tdm_hello_encode(u8 *buf, const struct tdm_hello *h);
enum tdm_wire_err tdm_hello_decode(const u8 *buf, size_t len, struct tdm_hello *h);
/*
 * May these two nodes talk? TDM_REFUSE_NONE and the agreed protocol version
 * in *@proto, or why not (TDM_REFUSE_PROTO too for a feature bit this
 * version does not know). Authentication (secret) is checked separately.
 */
enum tdm_refuse tdm_hello_check(const struct tdm_hello *mine,
				const struct tdm_hello *peer, u32 *proto);

void tdm_state_encode(u8 *buf, const struct tdm_state *s);
enum tdm_wire_err tdm_state_decode(const u8 *buf, size_t len, struct tdm_state *s);

/* GEN and SYNC_DONE payloads: be64 current, bitmap, history[2], tiebreak, be32 flags, pad. */
void tdm_gen_encode(u8 *buf, const struct tdm_gen *g);
enum tdm_wire_err tdm_gen_decode(const u8 *buf, size_t len, struct tdm_gen *g);

/* SB_INFO: be64 bytes changed, be32 flags (0x1 primary), be32 after-sb-0pri, -1pri, be32 0. */
void tdm_sb_info_encode(u8 *buf, const struct tdm_sb_side *s);
/* Decode and check it; the tiebreak is not on the wire (the caller sets it from GEN). */
enum tdm_wire_err tdm_sb_info_decode(const u8 *buf, size_t len, struct tdm_sb_side *s);

void tdm_sizes_encode(u8 *buf, const struct tdm_sizes *s);
/* Decode and check: whole 4 KiB blocks, size <= max (size 0 only in a RESIZE), known flags. */
enum tdm_wire_err tdm_sizes_decode(const u8 *buf, size_t len, u16 type, struct tdm_sizes *s);

void tdm_run_encode(u8 *buf, const struct tdm_run *r);
/* Decode one run and check it lies inside a bitmap of @nbits bits. */
enum tdm_wire_err tdm_run_decode(const u8 *buf, size_t len, u64 nbits, struct tdm_run *r);
/*
 * A bitmap's runs come in order: each starts at or after the end of the
 * one before (*@next, 0 before the first), so that a peer cannot send runs
 * for ever. Advances *@next; false if @r is out of order.
 */
bool tdm_run_in_order(const struct tdm_run *r, u64 *next);

void tdm_be32_put(u8 *p, u32 v);
u32 tdm_be32_get(const u8 *p);

/*
 * The message one side signs to prove it knows the secret: a label, which
 * side answers (so an answer cannot be reflected back), then the nonce of
 * the side that asks followed by the answerer's own. TDM_AUTH_MSG_LEN bytes.
 */
#define TDM_AUTH_MSG_LEN	(16 + 1 + 2 * TDM_WIRE_NONCE_LEN)
void tdm_auth_msg(u8 *buf, bool answerer_accepted, const u8 *asker_nonce,
		  const u8 *answerer_nonce);

const char *tdm_refuse_str(enum tdm_refuse r);

#endif /* TDM_CORE_WIRE_H */
