/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: replicated block device. Types shared by the module's files.
 *
 * Lock order (outer first):
 *   tdm_devices_lock  (main.c: the list of resources and their minors)
 *   tdm_device.cfg_lock (connect/disconnect/primary/secondary of one device)
 *   disk->open_mutex  (block layer, held around tdm_open/tdm_release)
 *   tdm_device.open_lock
 *   tdm_conn.lock     (spinlock, irq-safe: the I/O path and the threads)
 *   tdm_actlog.lock   (spinlock, irq-safe)
 *   tdm_device.state_lock, tdm_bitmap.lock, tdm_pages.lock (spinlocks, innermost)
 * tdm_device.md_lock (mutex: metadata I/O) is taken with no spinlock held.
 * Nothing holds open_lock while calling into the block layer; no spinlock
 * is held across network I/O.
 */
#ifndef TDM_TANDEM_H
#define TDM_TANDEM_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/netlink.h>
#include <linux/mempool.h>
#include <linux/socket.h>
#include <linux/wait.h>
#include <linux/hashtable.h>
#include <linux/workqueue.h>

#include "tandem_netlink.h"
#include "core/wire.h"
#include "core/meta.h"
#include "core/gen.h"
#include "core/bitmap.h"

#define TDM_LOG_PREFIX "tandem: "

/*
 * Discards and write-zeroes are split to 128 MiB: the DATA packet's size is
 * 32 bits, and one request must fit in the smallest activity log.
 */
#define TDM_MAX_DISCARD_SECTORS (1u << 18)

/* One bitmap bit covers 1 << TDM_BM_SHIFT bytes. */
#define TDM_BM_SHIFT 12

/*
 * The dirty bitmap in memory: bit i set when data bytes [i, i + 1) << 12 may
 * differ from the peer's. In the on-disk bit order (core/bitmap.h), so that
 * a block of it is written as it is.
 */
struct tdm_bitmap {
	spinlock_t lock;		/* protects everything below; irq-safe */
	u8 *bits;
	unsigned long *dirty;		/* one bit per on-disk block: to be written */
	u64 nbits;
	u64 bytes;			/* DIV_ROUND_UP(nbits, 8) */
	u64 set;			/* bits set */
};

/* One extent of the activity log (actlog.c). */
struct tdm_al_slot {
	struct hlist_node node;		/* in tdm_actlog.hash while in_use */
	u32 extent;
	u32 refs;			/* writes not yet on the peer nor in the bitmap */
	u64 used;			/* LRU stamp */
	unsigned long idle_since;	/* jiffies when refs last dropped to 0 */
	bool in_use;
};

struct tdm_actlog {
	spinlock_t lock;		/* protects slots, hash, clock, waiting; irq-safe */
	struct tdm_al_slot *slots;
	unsigned int nr;
	DECLARE_HASHTABLE(hash, 7);
	u64 clock;
	struct list_head waiting;	/* tdm_req (by send_node) waiting for extents */
	struct work_struct work;
	struct delayed_work retire;	/* drops extents idle for al_retire_ms */
	/* on-disk ring, under the device's md_lock */
	u64 seq;
	unsigned int next;
	struct tdm_al_tx *tx;
};

/* tdm_device.flags */
enum {
	TDM_DEV_EPOCH_CLOSED,	/* a replicated write completed: next write opens an epoch */
};

/* Per-CPU I/O counters of one device; summed when status is asked for. */
struct tdm_io_stats {
	u64 reads;
	u64 read_bytes;
	u64 writes;
	u64 write_bytes;
	u64 flushes;
	u64 discards;
	u64 errors;
};

/*
 * An entry of conn->sendq, the primary's writes in submission order: a
 * tdm_req (sync mode, or async when no copy could be queued) or a tdm_acopy.
 */
struct tdm_sendq_item {
	struct list_head node;		/* on conn->sendq, under conn->lock */
	bool copy;			/* inside a tdm_acopy, else a tdm_req */
};

/*
 * The primary's state for one upper-layer bio: allocated in front of the
 * clone sent to the backing disk. The bio completes when every part is done:
 * the local write, and for a write queued as itself the send (and in sync
 * mode the peer's ack).
 */
struct tdm_req {
	struct tdm_device *dev;
	struct bio *orig;
	unsigned long start;		/* for I/O accounting */
	atomic_t parts;			/* parts still to finish, see above */
	blk_status_t status;		/* the local write's */
	u64 seq;			/* id on the wire */
	u32 epoch;
	bool al_held;			/* holds its activity-log extents */
	struct rb_node rb;		/* in dev->inflight while in flight (a write
					 * with data); under dev->inflight_lock */
	sector_t rb_last;		/* last sector of rb's subtree (interval tree) */
	struct list_head wait_node;	/* on al->waiting (al->lock), dev->inflight_wait
					 * (dev->inflight_lock), or a session's end list */
	struct tdm_sendq_item q;
	struct hlist_node ack_node;	/* in conn->unacked (sync), under conn->lock */
	struct bio clone;		/* must be last */
};

/*
 * Async mode: a copy of a write on its way to the peer. The application's
 * bio completes with its local write; the sender sends the copy.
 */
struct tdm_acopy {
	struct tdm_sendq_item q;
	u64 seq;
	u32 epoch;
	u16 flags;			/* TDM_F_FUA, TDM_F_PREFLUSH */
	struct tdm_data d;
	unsigned int nr_pages;
	struct bio_vec pages[];		/* the payload, in whole pages */
};

/* The secondary's state for one write received from the peer. */
struct tdm_peer_req {
	struct tdm_conn *conn;
	u64 seq;
	sector_t sector;
	u32 size;
	bool resync;			/* resync data: acked by RS_ACK, clears bits */
	blk_status_t status;
	struct rb_node rb;		/* in conn->applying while written (not a flush); under conn->lock */
	sector_t rb_last;		/* last sector of rb's subtree (interval tree) */
	struct list_head node;		/* on conn->acks once written; under conn->lock */
	struct bio bio;			/* must be last */
};

/* A resync source's read of out-of-sync blocks, on its way to the peer. */
struct tdm_rs_req {
	struct list_head node;		/* on conn->rs_reading, then conn->rsq; under conn->lock */
	struct tdm_conn *conn;
	sector_t sector;
	u32 size;
	bool spoiled;			/* an application write overlapped the read */
	unsigned int nr_pages;
	struct bio_vec pages[];		/* whole pages, the read's buffer */
};

/* A verify range: our checksums awaiting the peer's, or our reply to its request. */
struct tdm_vf_req {
	struct list_head node;		/* on conn->vfq until sent; under conn->lock */
	struct list_head pnode;		/* request: on conn->vf_pending until answered */
	sector_t sector;
	u32 size;
	bool reply;
	u32 crc[TDM_WIRE_VERIFY_BLOCKS];
};

/*
 * Largest resync request: 256 KiB. Most resync bytes unacknowledged: 8 MiB,
 * or 512 KiB while the application writes (so that its writes, not the
 * resync, fill the link).
 */
#define TDM_RS_MAX_BITS 64
#define TDM_RS_WINDOW (8u << 20)
#define TDM_RS_WINDOW_BUSY (512u << 10)

#define TDM_UNACKED_BITS 8

/*
 * Async mode completes writes before the peer has them. Each queued write
 * is remembered here by request id until the peer's ack; what is left when
 * a session ends is marked in the bitmap. A slot still unacked when its id
 * comes round again is marked at once.
 */
#define TDM_ASYNC_SLOTS 8192
struct tdm_async_slot {
	u64 seq;
	sector_t sector;
	u32 sectors;			/* 0: free */
	bool al;			/* holds activity-log extents (its own reference) */
};

/* The receiver reads small packets ahead, this much at most (receiver.c). */
#define TDM_RX_SIZE (32u << 10)

/*
 * A configured peer: the connection thread (connect/accept, handshake,
 * receive loop) and, while a session is up, a sender thread. Created by
 * connect, freed by disconnect or detach.
 */
struct tdm_conn {
	struct tdm_device *dev;
	/* configuration: fixed for the life of the connection */
	struct sockaddr_storage local, peer;
	int addrlen;
	u32 protocol;			/* enum tandem_protocol */
	u8 secret[TANDEM_SECRET_MAX];
	unsigned int secret_len;	/* 0: no authentication */
	bool assume_clean;		/* a fresh disk, declared equal to the peer's */
	bool discard_mine;		/* after a split brain, take the peer's data */
	bool acceptor;			/* this side listens, the other connects */
	/* options NET_OPTIONS changes: written under lock, read under it or with READ_ONCE */
	unsigned int timeout_ms;
	u32 rs_rate;			/* resync limit, MiB/s; 0: none */
	u64 congestion_limit;		/* async: pull ahead above this backlog, bytes */

	struct task_struct *thread;	/* "tandem/<res>": connect + receive */
	struct task_struct *sender;	/* "tandem-tx/<res>", during a session */
	struct task_struct *resyncer;	/* "tandem-rs/<res>", while a source resyncs;
					 * set and taken under lock */
	struct socket *sock;		/* the session's socket; owned by thread */
	u8 *rx;				/* TDM_RX_SIZE bytes read ahead from sock */
	unsigned int rx_head, rx_tail;	/* [head, tail) not yet taken; thread's own */

	spinlock_t lock;		/* protects everything below */
	u32 cstate;			/* enum tandem_conn_state */
	u32 peer_role, peer_disk;	/* 0 when unknown */
	bool authenticated;
	enum tdm_sync sync;		/* this session's sync decision; NONE once in sync */
	struct tdm_gen peer_gen;	/* the peer's generations, as last told */
	const char *halted;		/* why the connection will not be retried */
	const char *last_error;		/* static string, or NULL */
	bool peer_said;			/* last_error is the peer's reason */
	/* primary side */
	struct list_head sendq;		/* tdm_sendq_item to send, in submission order */
	DECLARE_HASHTABLE(unacked, TDM_UNACKED_BITS); /* sync: sent, awaiting ack */
	struct tdm_async_slot *aslots;	/* async: TDM_ASYNC_SLOTS, see above */
	u64 next_seq;
	u32 epoch;
	bool epoch_closed;		/* a write completed since the epoch began */
	u64 pending;			/* writes on sendq */
	u64 backlog;			/* bytes queued and not yet sent */
	bool ahead;			/* async: writes only marked until the link catches up */
	bool ahead_owed;		/* ...and RESYNC_OWED is on disk for them */
	unsigned long last_app_write;	/* jiffies of the last write queued */
	/* secondary side */
	struct rb_root_cached applying;	/* tdm_peer_req being written, by sectors */
	struct list_head acks;		/* tdm_peer_req written, ack to send */
	unsigned int acks_held;		/* async writes' acks on acks, waiting for company */
	bool acks_due;			/* acks must go now (sender.c) */
	struct timer_list ack_timer;	/* makes them due TDM_ACK_DELAY after the first */
	unsigned int applying_n;	/* peer's writes and flushes being written */
	u32 peer_epoch;			/* epoch of the writes being applied */
	/* resync source: requests queued, chunk being read (see resync.c) */
	struct list_head rsq;		/* tdm_rs_req to send before sendq */
	u64 rs_inflight;		/* bytes queued or sent, not acknowledged */
	struct list_head rs_reading;	/* tdm_rs_req being read from the disk */
	u64 rs_reading_bytes;
	bool rs_read_error;
	u64 rs_total, rs_done;		/* bytes out of sync at start, and synced since */
	unsigned long rs_start;		/* jiffies */
	unsigned long rs_event_at;	/* jiffies of the last progress event */
	/* verify (verify.c) */
	struct list_head vfq;		/* tdm_vf_req to send */
	struct list_head vf_pending;	/* our requests awaiting the peer's checksums */
	unsigned int vf_outstanding;
	bool vf_running;		/* the verify thread runs; it alone clears this */
	u64 vf_total, vf_done, vf_diff;	/* bytes: device, compared, found different */
	/* control packets the sender owes the peer */
	bool send_ping, send_pong, send_state, send_promote, send_gen, send_sync_done;
	bool send_rs_start;
	int send_promote_reply;		/* -1 none, else TDM_PROMOTE_OK or 0 */
	bool promoting;			/* our PROMOTE is waiting for its answer */
	int promote_answer;		/* -1 waiting, else the peer's reply flags */
	bool dead;			/* the session is ending: stop sending */
	unsigned long last_rx;		/* jiffies when the peer was last heard */
	/* counters of the current session */
	u64 sent, sent_bytes, acked, received, received_bytes;
	u64 gen_sent;			/* our current generation as the handshake told it */

	wait_queue_head_t send_wq;	/* sender: work queued */
	wait_queue_head_t wq;		/* applying drained, promote answered, state changed */
	wait_queue_head_t rs_wq;	/* resync: acks came back */
};

/* Payload pages kept for reuse (pages.c). */
struct tdm_pages {
	spinlock_t lock;		/* protects free and nr_free; irq-safe */
	struct page *free;		/* chained through page_private */
	unsigned int nr_free;
	mempool_t *reserve;		/* the receiver's guaranteed pages */
};

/* One resource: /dev/tandemN stacked on a backing disk. */
struct tdm_device {
	char name[TANDEM_NAME_MAX];
	u32 minor;
	const char *disk_path;		/* as given at attach; for status */
	struct block_device *backing;	/* opened FMODE_EXCL, holder = this */
	struct gendisk *disk;
	struct bio_set bio_set;		/* clones sent to the backing disk */
	struct tdm_io_stats __percpu *stats;

	struct bio_set peer_bio_set;	/* bios applying the peer's writes */
	struct tdm_pages pages;		/* payload pages: theirs, copies, reads */

	struct mutex open_lock;		/* protects the two below, and role writes */
	unsigned int open_count;	/* openers of /dev/tandemN */
	bool dying;			/* detach started: refuse new opens */

	struct mutex cfg_lock;		/* serializes role and connection changes */
	struct tdm_conn __rcu *conn;	/* NULL when standalone; written under
					 * cfg_lock, read under it or RCU */
	u32 role;			/* enum tandem_role; written under cfg_lock
					 * and open_lock, read under either */
	spinlock_t state_lock;		/* protects disk_state, gen_pending, deferred */
	u32 disk_state;			/* enum tandem_disk_state */
	bool gen_pending;		/* the next write without the peer starts a generation */
	struct bio_list deferred;	/* such writes, until it is on disk */
	struct work_struct gen_work;	/* writes it, then submits them */
	unsigned long flags;		/* TDM_DEV_* bits, atomic */
	unsigned long events;		/* enum tandem_event bits to report, atomic */
	struct work_struct event_work;	/* reports them (netlink.c) */

	struct mutex md_lock;		/* protects md, gen and md_page; serializes
					 * metadata writes */
	struct tdm_md_sb md;		/* the superblock as last written */
	struct tdm_gen gen;		/* data generations (md's uuids, live) */
	struct page *md_page;		/* I/O buffer for metadata blocks */
	struct tdm_bitmap bm;
	struct tdm_actlog al;

	spinlock_t inflight_lock;	/* protects inflight and inflight_wait */
	struct rb_root_cached inflight;	/* writes sent down and not completed (inflight.c) */
	struct list_head inflight_wait;	/* writes waiting for an overlapping one, in order */
	struct work_struct inflight_work; /* dispatches those that may go on */

	struct list_head node;		/* on tdm_devices, under tdm_devices_lock */
};

/*
 * NL_SET_ERR_MSG() for messages chosen at run time, such as the pure-C core's
 * (always string literals, so they outlive the request).
 */
static inline void tdm_extack_msg(struct netlink_ext_ack *extack,
				  const char *msg)
{
	if (extack)
		extack->_msg = msg;
}

static inline u32 tdm_disk_state(struct tdm_device *dev)
{
	unsigned long flags;
	u32 d;

	spin_lock_irqsave(&dev->state_lock, flags);
	d = dev->disk_state;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	return d;
}

void tdm_event(struct tdm_device *dev, enum tandem_event event);
void tdm_event_work(struct work_struct *work);

static inline void tdm_set_disk_state(struct tdm_device *dev, u32 d)
{
	unsigned long flags;
	bool changed;

	spin_lock_irqsave(&dev->state_lock, flags);
	changed = dev->disk_state != d;
	dev->disk_state = d;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	if (changed)
		tdm_event(dev, TANDEM_EVENT_DISK);
}

/* main.c: the registry of resources. */
extern struct mutex tdm_devices_lock;
extern struct list_head tdm_devices;
struct tdm_device *tdm_find_by_name(const char *name);
struct tdm_device *tdm_find_by_minor(u32 minor);

/* device.c: /dev/tandemN. */
int tdm_blkdev_init(void);
void tdm_blkdev_exit(void);
struct tdm_device *tdm_device_create(const char *name, u32 minor,
				     const char *path,
				     struct netlink_ext_ack *extack);
int tdm_device_start_teardown(struct tdm_device *dev,
			      struct netlink_ext_ack *extack);
void tdm_device_destroy(struct tdm_device *dev);
unsigned int tdm_device_open_count(struct tdm_device *dev);
void tdm_device_stats(struct tdm_device *dev, struct tdm_io_stats *sum);

/* meta.c: on-disk metadata and the dirty bitmap. */
int tdm_md_attach(struct tdm_device *dev, struct netlink_ext_ack *extack);
int tdm_md_io(struct tdm_device *dev, sector_t sector, struct page *page, blk_opf_t opf);
void tdm_md_detach(struct tdm_device *dev);
int tdm_md_write_sb(struct tdm_device *dev);
int tdm_md_owe_resync(struct tdm_device *dev);
int tdm_md_set_flags(struct tdm_device *dev, u32 set, u32 clear);
int tdm_md_new_generation(struct tdm_device *dev);
void tdm_gen_pending(struct tdm_device *dev, bool pending);
bool tdm_defer_for_new_gen(struct tdm_device *dev, struct bio *clone);
void tdm_gen_work(struct work_struct *work);
void tdm_bm_set(struct tdm_device *dev, sector_t sector, u64 nr_sectors);
void tdm_bm_clear_bits(struct tdm_device *dev, u64 first, u64 n);
void tdm_bm_set_all(struct tdm_device *dev);
void tdm_bm_clear_all(struct tdm_device *dev);
u64 tdm_bm_count(struct tdm_device *dev);
u64 tdm_bm_next_run(struct tdm_device *dev, u64 from, u64 max, u64 *start);
int tdm_bm_write(struct tdm_device *dev, bool all);

/* actlog.c: the activity log. */
int tdm_al_attach(struct tdm_device *dev, bool crashed);
void tdm_al_detach(struct tdm_device *dev);
bool tdm_al_begin(struct tdm_device *dev, struct tdm_req *req);
void tdm_al_put(struct tdm_device *dev, sector_t sector, u32 sectors);
void tdm_al_get_more(struct tdm_device *dev, sector_t sector, u32 sectors);

/* device.c */
void tdm_dispatch(struct tdm_device *dev, struct tdm_req *req);
void tdm_dispatch_now(struct tdm_device *dev, struct tdm_req *req);

/* inflight.c: overlapping writes go down one at a time. */
void tdm_inflight_init(struct tdm_device *dev);
bool tdm_inflight_begin(struct tdm_device *dev, struct tdm_req *req);
void tdm_inflight_end(struct tdm_device *dev, struct tdm_req *req);

/* replication.c: the primary's side of a replicated write. */
bool tdm_replicate(struct tdm_device *dev, struct tdm_req *req);
void tdm_wire_write(struct bio *bio, struct tdm_data *d, u16 *flags);
void tdm_acopy_free(struct tdm_device *dev, struct tdm_acopy *c);
void tdm_sendq_drop(struct tdm_device *dev, struct list_head *items);
bool tdm_async_acked(struct tdm_conn *conn, u64 seq, bool failed);
void tdm_peer_write_failed(struct tdm_conn *conn, struct tdm_req *req, bool marked, u64 seq);
bool tdm_async_forget(struct tdm_conn *conn);
void tdm_req_put(struct tdm_req *req);

/* conn.c: the connection to the peer. */
int tdm_conn_start(struct tdm_device *dev, struct tdm_conn *conn,
		   struct netlink_ext_ack *extack);
void tdm_conn_stop(struct tdm_device *dev);
void tdm_peer_state(struct tdm_conn *conn, u32 peer_role, u32 peer_disk);
void tdm_conn_gen(struct tdm_conn *conn, struct tdm_gen *g);
int tdm_apply_sync(struct tdm_conn *conn, enum tdm_sync s);

/* verify.c: online verify. */
int tdm_verify_start(struct tdm_device *dev, struct netlink_ext_ack *extack);
int tdm_verify_request(struct tdm_conn *conn, const struct tdm_hdr *h);
int tdm_verify_reply(struct tdm_conn *conn, const struct tdm_hdr *h);
void tdm_verify_stop(struct tdm_conn *conn);

/* resync.c: copying out-of-sync blocks to the peer. */
void tdm_resync_start(struct tdm_conn *conn);
void tdm_catch_up(struct tdm_conn *conn);
void tdm_rs_req_free(struct tdm_device *dev, struct tdm_rs_req *rs);
void tdm_resync_progress(struct tdm_conn *conn);
void tdm_resync_stop(struct tdm_conn *conn);
void tdm_resync_spoil(struct tdm_conn *conn, sector_t sector, u32 sectors);
void tdm_resync_write_done(struct tdm_device *dev, struct bio *bio);
int tdm_resync_acked(struct tdm_conn *conn, const struct tdm_hdr *h);
int tdm_resync_finish_target(struct tdm_conn *conn, const struct tdm_gen *src);

/* pages.c: payload pages, kept for reuse. */
int tdm_pages_init(struct tdm_pages *p);
void tdm_pages_exit(struct tdm_pages *p);
struct page *tdm_page_get(struct tdm_pages *p, gfp_t gfp);
struct page *tdm_page_get_reserved(struct tdm_pages *p);
void tdm_page_put(struct tdm_pages *p, struct page *page);

/* sender.c, receiver.c: one session's threads. */
int tdm_sender_fn(void *data);
void tdm_peer_req_free(struct tdm_peer_req *preq);
void tdm_ack_queued(struct tdm_conn *conn, struct tdm_peer_req *preq);
void tdm_ack_timer_fn(struct timer_list *t);
int tdm_receive_loop(struct tdm_conn *conn);
void tdm_receiver_drain(struct tdm_conn *conn);
bool tdm_applied_failed(struct tdm_conn *conn, struct list_head *acks);
int tdm_send_all(struct tdm_conn *conn, const void *buf, size_t len, int flags);
int tdm_recv_all(struct tdm_conn *conn, void *buf, size_t len);

/* auth.c */
int tdm_auth_mac(const u8 *secret, unsigned int secret_len, const u8 *msg,
		 size_t len, u8 *mac);

/* state.c: roles. */
int tdm_promote(struct tdm_device *dev, bool force, struct netlink_ext_ack *extack);
int tdm_demote(struct tdm_device *dev, struct netlink_ext_ack *extack);
int tdm_outdate(struct tdm_device *dev, struct netlink_ext_ack *extack);

/* netlink.c: the generic netlink family. */
int tdm_genl_init(void);
void tdm_genl_exit(void);

#endif /* TDM_TANDEM_H */
