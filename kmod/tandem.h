/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: replicated block device. Types shared by the module's files.
 *
 * Lock order (outer first):
 *   tdm_sink_lock     (events.c: the event sink; the event work takes it with
 *                      no lock held, and the sink takes tdm_devices_lock)
 *   tdm_device.cfg_lock (every command on one device, attach and detach too;
 *                      under tdm_devices_lock only tried, never waited for:
 *                      netlink.c, tdm_lock_by_name)
 *   tdm_devices_lock  (device.c: the list of resources and their minors;
 *                      a command holds it only to find its device, or, at
 *                      a re-attach, to change the disk's path status reads)
 *   tdm_device.md_lock (mutex: metadata I/O; under the two above, or none)
 *   disk->open_mutex  (block layer, held around tdm_open/tdm_release)
 *   tdm_device.open_lock
 *   tdm_conn.lock     (spinlock, irq-safe: the I/O path and the threads)
 *   tdm_actlog.lock   (spinlock, irq-safe)
 *   tdm_device.state_lock, tdm_bitmap.lock, tdm_pages.lock, tdm_fence.lock,
 *   tdm_handlers.lock (spinlocks, innermost)
 * md_lock and open_lock are never held together; md_lock takes
 * tdm_actlog.lock and tdm_bitmap.lock inside. tdm_device.inflight_lock
 * (spinlock, irq-safe: taken on submission, by the inflight work, and on
 * bio completion in interrupt context) is a leaf taken with no other lock
 * held; so is tdm_diskwatch.lock (likewise irq-safe), and the mutex
 * tdm_diskwatch.reserve_lock (taken on submission alone). Nothing holds
 * open_lock while calling into the block layer; no spinlock is held across
 * network I/O.
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
#include "base.h"
#include "transport.h"
#include "core/wire.h"
#include "core/ondisk.h"
#include "core/gen.h"
#include "core/bitmap.h"

/*
 * Kernel log lines of one resource: "tandem: <name>: <text>" (pr_fmt, set in
 * Kbuild, adds "tandem: "). Any context.
 */
#define tdm_err(dev, fmt, ...) pr_err("%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define tdm_warn(dev, fmt, ...) pr_warn("%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define tdm_info(dev, fmt, ...) pr_info("%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define tdm_err_ratelimited(dev, fmt, ...) \
	pr_err_ratelimited("%s: " fmt, (dev)->name, ##__VA_ARGS__)
#define tdm_warn_ratelimited(dev, fmt, ...) \
	pr_warn_ratelimited("%s: " fmt, (dev)->name, ##__VA_ARGS__)

struct tdm_device;
struct tdm_req;

/*
 * Discards and write-zeroes are split to 128 MiB: the DATA packet's size is
 * 32 bits, and one request must fit in the smallest activity log.
 */
#define TDM_MAX_DISCARD_SECTORS (1u << 18)

/*
 * The dirty bitmap in memory: bit i set when data bytes [i, i + 1) << 12 may
 * differ from the peer's. In the on-disk bit order (core/bitmap.h), so that
 * a block of it is written as it is.
 */
/* Consecutive bitmap blocks in one metadata request (bitmap.c). */
struct tdm_bm_batch {
	struct bio_vec bv[TDM_WIRE_MAX_DATA / TDM_MD_BLOCK];
	unsigned int max;		/* pages in bv */
	unsigned int n;			/* blocks held, from first */
	u64 first;
	bool own;			/* the pages are ours to free, else md_page */
};

struct tdm_bitmap {
	struct tdm_bm_batch *batch;	/* the bitmap's I/O; under md_lock (attach: alone) */
	spinlock_t lock;		/* protects everything below; irq-safe */
	u8 *bits;
	unsigned long *dirty;		/* one bit per on-disk block: to be written */
	u64 nbits;			/* only grows (resize, WRITE_ONCE): read without
					 * the lock as a bound */
	u64 bytes;			/* DIV_ROUND_UP(nbits, 8) */
	u64 set;			/* bits set */
	bool unsent;			/* some are a write's the peer did not get;
					 * false again once none is set */
	u64 unsent_seq;			/* bumped by each such write's mark */
};

/* One extent of the activity log (actlog.c). */
struct tdm_al_slot {
	struct hlist_node node;		/* in tdm_actlog.hash while in_use */
	u32 extent;
	u32 refs;			/* writes not yet on the peer nor in the bitmap */
	u64 used;			/* LRU stamp */
	unsigned long idle_since;	/* jiffies when refs last dropped to 0 */
	bool in_use;
	bool pending;			/* placed; its transaction not yet on disk */
};

struct tdm_actlog {
	spinlock_t lock;		/* protects slots, hash, clock, waiting; irq-safe */
	struct tdm_al_slot *slots;
	unsigned int nr;
	DECLARE_HASHTABLE(hash, 7);
	u64 clock;
	struct list_head waiting;	/* tdm_req (by wait_node) waiting for extents */
	/* Hands a waiting write back once its extents are logged (set by device.c). */
	void (*ready)(struct tdm_device *dev, struct tdm_req *req);
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
	TDM_DEV_DISK_FAILED,	/* the backing disk failed an I/O (md.c): disk state failed */
	TDM_DEV_DISKLESS,	/* ...and was dropped (on-io-error detach): I/O goes to the
				 * peer (replication.c); set with DISK_FAILED, cleared by
				 * a re-attach */
	TDM_DEV_PEER_DROPPED,	/* the peer's disk was dropped and our generation moved
				 * on for it (gen.c); cleared when it has a disk again */
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
 * An entry of conn->pri.sendq, the primary's writes in submission order: a
 * tdm_req (sync mode, or async when no copy could be queued) or a tdm_acopy.
 */
struct tdm_sendq_item {
	struct list_head node;		/* on conn->pri.sendq, under conn->lock */
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
	bool remote;			/* served by the peer alone: this node is diskless */
	bool rescue;			/* the local write failed on a diskless node: it
					 * succeeds if the peer has it (peer_ok) */
	bool peer_ok;			/* the peer acked it without error; under conn->lock */
	bool queued_self;		/* async, queued as itself (no copy): on a send list */
	struct rb_node rb;		/* in dev->inflight while in flight (a write
					 * with data); under dev->inflight_lock */
	sector_t rb_last;		/* last sector of rb's subtree (interval tree) */
	struct list_head wait_node;	/* on al->waiting (al->lock), dev->inflight_wait
					 * (dev->inflight_lock), or a session's end list */
	struct tdm_sendq_item q;
	struct hlist_node ack_node;	/* in conn->pri.unacked (sync), under conn->lock */
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
	bool read;			/* a diskless peer's read: answered by READ_REPLY */
	bool barrier;			/* async: first of an epoch, written once every
					 * write before it is on the disk */
	blk_status_t status;
	struct rb_node rb;		/* in conn->sec.applying while written (not a flush); under conn->lock */
	sector_t rb_last;		/* last sector of rb's subtree (interval tree) */
	struct list_head node;		/* on conn->sec.waiting until written, then on
					 * conn->sec.acks; under conn->lock */
	struct bio bio;			/* must be last */
};

/* A resync source's read of out-of-sync blocks, on its way to the peer. */
struct tdm_rs_req {
	struct list_head node;		/* on conn->rs.reading, then conn->rs.q; under conn->lock */
	struct tdm_conn *conn;
	sector_t sector;
	u32 size;
	bool spoiled;			/* an application write overlapped the read */
	unsigned int nr_pages;
	struct bio_vec pages[];		/* whole pages, the read's buffer */
};

/*
 * A verify range: our checksums awaiting the peer's (a request), or our
 * reply to the peer's request. It is on one list at a time: conn->vf.q until
 * the sender takes it, then the sender's own; once encoded, a reply is
 * freed and a request moves to conn->vf.pending (before its bytes go out,
 * so that no answer can precede it there), where only the answer (or the
 * session's end) frees it.
 */
struct tdm_vf_req {
	struct list_head node;		/* under conn->lock while on conn->vf.q or .pending */
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
	bool flush;			/* began with a flush: its failure may cost earlier writes */
};

/*
 * A configured peer: the connection thread (connect/accept, handshake,
 * receive loop) and, while a session is up, a sender thread. Created by
 * connect, freed by disconnect or detach.
 *
 * Who may touch what: each part below names its lock, or the one thread
 * that owns it. A field some code reads without that lock is written with
 * WRITE_ONCE and read there with READ_ONCE; such fields say so.
 */

/* Configuration: set by connect before the thread starts, then read without a lock. */
struct tdm_conn_cfg {
	struct sockaddr_storage local, peer;
	int addrlen;
	u32 protocol;			/* enum tandem_protocol */
	u8 secret[TANDEM_SECRET_MAX];
	unsigned int secret_len;	/* 0: no authentication */
	bool assume_clean;		/* a fresh disk, declared equal to the peer's; counts
					 * only while we have no generation (tdm_conn_gen) */
	bool discard_mine;		/* after a split brain, take the peer's data */
	u32 fencing;			/* enum tandem_fencing */
	char fence_peer[TANDEM_HANDLER_MAX]; /* the handler's path; "" with FENCING_NONE */
	bool acceptor;			/* this side listens, the other connects */
	/*
	 * Options NET_OPTIONS changes: written under dev->cfg_lock and
	 * conn->lock with WRITE_ONCE; read under either, or with READ_ONCE.
	 */
	u32 rs_rate;			/* resync limit, MiB/s; 0: none */
	u64 congestion_limit;		/* async: pull ahead above this backlog, bytes */
	u32 ko_count;			/* drop a peer that completes no write for this
					 * many timeouts; 0: never (conn.c) */
	u32 after_sb_0pri;		/* enum tandem_after_sb_0pri (handshake.c) */
	u32 after_sb_1pri;		/* enum tandem_after_sb_1pri */
};

/* The primary's side: its writes on their way to the peer. Under conn->lock. */
struct tdm_conn_primary {
	struct list_head sendq;		/* tdm_sendq_item to send, in submission order */
	DECLARE_HASHTABLE(unacked, TDM_UNACKED_BITS); /* sync: sent, awaiting ack */
	struct tdm_async_slot *aslots;	/* async: TDM_ASYNC_SLOTS, see above; the array is
					 * fixed from connect, its slots under the lock */
	u64 next_seq;
	u32 epoch;
	u64 pending;			/* writes on sendq */
	u64 backlog;			/* bytes queued and not yet sent; WRITE_ONCE, as
					 * tdm_want_copy() reads it without the lock */
	bool ahead;			/* async: writes only marked until the link catches
					 * up; WRITE_ONCE, as for backlog */
	bool ahead_owed;		/* ...and RESYNC_OWED is on disk for them */
	unsigned long last_app_write;	/* jiffies of the last write queued */
};

/* The secondary's side: the peer's writes being applied, their acks. */
struct tdm_conn_secondary {
	/* under conn->lock */
	struct list_head waiting;	/* tdm_peer_req received, in order, that may not be
					 * written yet (receiver.c) */
	struct rb_root_cached applying;	/* tdm_peer_req being written, by sectors */
	unsigned int applying_n;	/* peer's writes and flushes being written */
	unsigned int held;		/* peer requests received and not yet freed (their
					 * ack not yet taken to be sent), at most
					 * TDM_PEER_HELD_MAX (receiver.c) ... */
	u64 held_bytes;			/* ...and their payload, at most TDM_PEER_HELD_BYTES */
	struct list_head acks;		/* tdm_peer_req written, ack to send */
	unsigned int acks_held;		/* async writes' acks on acks, waiting for company */
	bool acks_due;			/* acks must go now (sender.c) */
	bool apply_failed;		/* this session, our disk failed a peer's write */
	struct timer_list ack_timer;	/* makes them due TDM_ACK_DELAY after the first;
					 * armed and cancelled under conn->lock */
	struct work_struct apply_work;	/* writes those on waiting that may go now */
	/* the receiver's own (connection thread), no lock */
	u32 peer_epoch;			/* epoch of the writes being applied */
};

/*
 * Resync (resync.c). Source: runs being read, then queued; target: progress.
 * Under conn->lock.
 */
struct tdm_conn_resync {
	struct list_head q;		/* tdm_rs_req to send before pri.sendq */
	u64 inflight;			/* bytes queued or sent, not acknowledged */
	struct list_head reading;	/* tdm_rs_req being read from the disk */
	u64 reading_bytes;		/* WRITE_ONCE: tdm_resync_write_done() reads it
					 * without the lock */
	bool read_error;		/* WRITE_ONCE: the resync thread reads it without */
	u64 total, done;		/* bytes out of sync at start, and synced since */
	bool everything;		/* invalidate-remote, or the peer's invalidate: the
					 * sender starts a resync of every block */
	bool mark_all;			/* ...which its thread marks first; WRITE_ONCE,
					 * read without the lock by the two */
	unsigned long start;		/* jiffies */
	unsigned long event_at;		/* jiffies of the last progress event */
};

/* Verify requests a node keeps outstanding, and replies it holds for its peer. */
#define TDM_VF_WINDOW 8

/* Online verify (verify.c). Under conn->lock. */
struct tdm_conn_verify {
	struct list_head q;		/* tdm_vf_req to send */
	struct list_head pending;	/* our requests sent, awaiting the peer's checksums */
	unsigned int outstanding;	/* our requests queued or pending */
	unsigned int replies;		/* our replies not yet encoded: at most TDM_VF_WINDOW */
	bool running;			/* set by tdm_verify_start(), cleared when its
					 * thread ends */
	u64 total, done, diff;		/* bytes: to compare, compared, found different */
	sector_t start, end;		/* the range; fixed while running */
};

/* Control packets the sender owes the peer. Under conn->lock. */
struct tdm_conn_owed {
	bool ping, pong, state, promote, gen, sync_done, rs_start;
	bool rs_request;		/* invalidate: ask the peer to resync every block to us */
	int promote_reply;		/* -1 none, else TDM_PROMOTE_OK or 0 */
};

/* Resize (resize.c). Under conn->lock. */
struct tdm_conn_resize {
	bool asking;			/* our RESIZE waits for its reply */
	bool answered;			/* ...which came, in reply and err; WRITE_ONCE,
					 * as resize.c waits for it with READ_ONCE */
	struct tdm_sizes reply;
	u16 err;			/* enum tdm_resize_err */
	bool owe_ask;			/* the sender owes the peer our RESIZE, ask */
	struct tdm_sizes ask;
	bool busy;			/* work runs the peer's RESIZE, peer_ask */
	struct tdm_sizes peer_ask;
	bool owe_reply;			/* the sender owes the peer work's answer, answer */
	struct tdm_sizes answer;
	u16 answer_err;
	struct work_struct work;	/* grows this node for the peer's RESIZE: metadata
					 * I/O, not on the receiving thread */
};

/* Counters of the current session, for status. Under conn->lock. */
struct tdm_conn_stats {
	u64 sent, sent_bytes, acked, received, received_bytes;
};

struct tdm_conn {
	struct tdm_device *dev;
	struct tdm_conn_cfg cfg;

	struct task_struct *thread;	/* "tandem/<res>": connect + receive; set before it
					 * starts, stopped under dev->cfg_lock */
	struct tdm_transport tr;	/* the session's socket (transport.h says who
					 * touches what) */
	/* the connection thread's own, no lock */
	struct task_struct *sender;	/* "tandem-tx/<res>", during a session */
	u64 gen_sent;			/* our current generation as the handshake told it */
	unsigned long ko_checked;	/* jiffies of the last ko-count check */
	bool ko_fired;			/* this session ended for ko-count */

	spinlock_t lock;		/* protects what follows, as each part says */
	struct task_struct *resyncer;	/* "tandem-rs/<res>", while a source resyncs */
	/*
	 * The session's state. Several threads write sync (with WRITE_ONCE)
	 * and read it under the lock or with READ_ONCE. Only the connection
	 * thread writes the others, and reads them without the lock; other
	 * threads read them under it, cstate also with READ_ONCE (written with
	 * WRITE_ONCE).
	 */
	u32 cstate;			/* enum tandem_conn_state */
	enum tdm_sync sync;		/* this session's sync decision; NONE once in sync */
	/* tdm_bm_unsent_seq() when the generations were exchanged (handshake.c) */
	u64 unsent_seq;
	u32 peer_role, peer_disk;	/* 0 when unknown */
	bool peer_disk_assumed;		/* peer_disk is our guess (a primary's, at a
					 * session's end), not the peer's word */
	u32 peer_caps;			/* TDM_CAP_* the peer's hello said, this session */
	bool authenticated;
	struct tdm_gen peer_gen;	/* the peer's generations, as last told */
	const char *halted;		/* why the connection will not be retried */
	unsigned long down_since;	/* jiffies: the session ended, or connect began */
	const char *last_error;		/* static string, or NULL */
	const char *refused;		/* the last refusal's reason, logged once;
					 * the connection thread's own */
	bool peer_said;			/* last_error is the peer's reason */
	/*
	 * Our PROMOTE (role.c), under the lock; promote_answer is written with
	 * WRITE_ONCE, as role.c waits for it with READ_ONCE.
	 */
	bool promoting;			/* it waits for its answer */
	int promote_answer;		/* -1 waiting, else the peer's reply flags */

	struct tdm_conn_primary pri;
	struct tdm_conn_secondary sec;
	struct tdm_conn_resync rs;
	struct tdm_conn_verify vf;
	struct tdm_conn_owed owe;
	struct tdm_conn_resize rsz;
	struct tdm_conn_stats stats;

	wait_queue_head_t send_wq;	/* sender: work queued */
	wait_queue_head_t wq;		/* applying drained, promote answered, state changed */
	wait_queue_head_t rs_wq;	/* resync and verify: acks came back, reads done */
	struct delayed_work down_work;	/* says when the connection stays down (conn.c) */
};

/*
 * Fencing (fence.c): a primary that loses a peer whose data was up to date
 * runs the connection's fence-peer handler; under resource-and-stonith it
 * also holds every write's completion until the handler says the peer is
 * fenced, the peer is back, or the admin resumes I/O. Lives in the device,
 * as frozen writes and a running handler outlive the connection.
 */
struct tdm_fence {
	spinlock_t lock;		/* protects everything below; irq-safe */
	bool frozen;			/* writes' completions are held; also read
					 * with READ_ONCE as a hint */
	struct list_head held;		/* tdm_req (by wait_node) completed while frozen */
	u32 result;			/* enum tandem_fence_result of the last run, 0: none;
					 * written with WRITE_ONCE, as waiters read it */
	struct pid *pid;		/* the handler's process while it runs (a reference) */
	bool stopping;			/* the device goes away: no new run, no exec */
	u32 seq;			/* bumped by each start: a run that began before
					 * the latest start does not answer for it */
	/* The run queued: what the work passes to the handler. */
	u32 policy;			/* enum tandem_fencing */
	char path[TANDEM_HANDLER_MAX];
	char peer[64];			/* the peer's address, as text */
	struct work_struct work;	/* runs the handler */
	wait_queue_head_t wq;		/* a promotion waits here for its answer */
};

/* The admin's handlers: absolute paths by enum tandem_handler, "" for none. */
struct tdm_handler_paths {
	char path[__TANDEM_HANDLER_MAX][TANDEM_HANDLER_MAX];
};

/* The admin's handlers, and the runs of them under way (handler.c). */
struct tdm_handlers {
	struct tdm_handler_paths paths;	/* set at attach before any run, then read-only */
	spinlock_t lock;		/* protects everything below; irq-safe */
	unsigned long queued;		/* BIT(enum tandem_handler): notifications to run */
	struct list_head runs;		/* struct tdm_handler_run under way */
	bool stopping;			/* the device goes away: no new run, no exec */
	u32 last;			/* enum tandem_handler that ended last, 0: none */
	int last_exit;			/* its exit code, -1: killed or not run */
	struct work_struct work;	/* runs the queued notifications, one at a time */
};

/* Payload pages kept for reuse (pages.c). */
struct tdm_pages {
	spinlock_t lock;		/* protects free and nr_free; irq-safe */
	struct page *free;		/* chained through page_private */
	unsigned int nr_free;
	mempool_t *reserve;		/* the receiver's guaranteed pages */
};

/*
 * The disk-timeout's watch over requests to the backing disk (diskwatch.c).
 * Each is a private bio with its own pages, so that one given up on may
 * come back late without touching memory that is no longer its own.
 */
struct tdm_diskwatch {
	u32 timeout_ms;			/* 0: off; set once attached, then fixed */
	spinlock_t lock;		/* protects busy, late and each tdm_dw_io's
					 * abandoned; irq-safe, a leaf */
	struct list_head busy;		/* requests at the disk, oldest first */
	unsigned int late;		/* given up on, not yet back */
	struct timer_list timer;	/* pending while busy is not empty: fires when
					 * its oldest is due */
	struct work_struct work;	/* gives up on the requests due */
	wait_queue_head_t idle;		/* woken when late drops to 0 */
	struct bio_set bio_set;		/* the private bios, in tdm_dw_io (with a timeout) */
	mempool_t *reserve;		/* a whole request's pages, when memory is short;
					 * NULL without a timeout */
	struct mutex reserve_lock;	/* one request at a time takes from reserve */
};

/* One resource: /dev/tandemN stacked on a backing disk. */
struct tdm_device {
	char name[TANDEM_NAME_MAX];
	u32 minor;
	const char *disk_path;		/* as given at attach; for status */
	struct block_device *backing;	/* opened FMODE_EXCL, holder = this */
	const char *meta_path;		/* external metadata's disk; NULL: internal */
	struct block_device *meta;	/* the disk the metadata is on: backing, or
					 * the metadata disk, opened as backing is */
	struct gendisk *disk;
	struct bio_set bio_set;		/* clones sent to the backing disk */
	struct tdm_io_stats __percpu *stats;

	struct bio_set peer_bio_set;	/* bios applying the peer's writes */
	struct tdm_pages pages;		/* payload pages: theirs, copies, reads,
					 * the disk watch's private bios */
	struct tdm_diskwatch dw;

	struct mutex open_lock;		/* protects the two below, and role writes */
	unsigned int open_count;	/* openers of /dev/tandemN */
	bool dying;			/* detach started: refuse new opens */

	struct mutex cfg_lock;		/* serializes role and connection changes */
	struct tdm_conn __rcu *conn;	/* NULL when standalone; written under
					 * cfg_lock, read under it or RCU */
	u32 role;			/* enum tandem_role; written under cfg_lock and
					 * open_lock with WRITE_ONCE, read under either
					 * or with READ_ONCE */
	spinlock_t state_lock;		/* protects disk_state, gen_pending, deferred */
	u32 disk_state;			/* enum tandem_disk_state */
	u32 on_io_error;		/* enum tandem_on_io_error; fixed at attach */
	u8 gen_pending;			/* enum tdm_gen_pending: the next write without
					 * the peer starts a generation */
	struct bio_list deferred;	/* such writes, until it is on disk */
	struct work_struct gen_work;	/* writes it, then submits them */
	unsigned long flags;		/* TDM_DEV_* bits, atomic */
	atomic64_t disk_errors;		/* I/O errors of the backing disk since attach */
	atomic64_t first_disk_error;	/* wall-clock seconds of the first, 0: none */
	struct work_struct disk_fail_work; /* records the failure on disk (md.c) */
	struct tdm_fence fence;
	struct tdm_handlers handlers;
	unsigned long events;		/* enum tandem_event bits to report, atomic */
	struct work_struct event_work;	/* reports them (events.c) */
	void (*req_done)(struct tdm_req *req);	/* completes a request (device.c) */
	/* Tells the peer our disk state (replication.c), from the disk-failure work. */
	void (*tell_peer)(struct tdm_device *dev);
	/* An application write overlapping a range is in flight (inflight.c). */
	bool (*write_in_flight)(struct tdm_device *dev, sector_t sector, u32 sectors);

	struct mutex md_lock;		/* protects md, gen and md_page; serializes
					 * metadata writes */
	struct tdm_md_sb md;		/* the superblock as last written; md.layout
					 * changes only by resize; md.size_sectors is
					 * written with WRITE_ONCE, read with READ_ONCE */
	struct tdm_gen gen;		/* data generations (md's uuids, live); gen.cur,
					 * an aligned word, is also read as a hint with
					 * READ_ONCE */
	struct page *md_page;		/* I/O buffer for metadata blocks */
	struct tdm_bitmap bm;
	struct tdm_actlog al;

	spinlock_t inflight_lock;	/* protects inflight and inflight_wait; irq-safe,
					 * a leaf (see the lock order) */
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

/*
 * The disk state; diskless and failed (TDM_DEV_DISKLESS, _DISK_FAILED)
 * override what the metadata says.
 */
static inline u32 tdm_disk_state(struct tdm_device *dev)
{
	unsigned long flags;
	u32 d;

	if (test_bit(TDM_DEV_DISKLESS, &dev->flags))
		return TANDEM_DISK_DISKLESS;
	if (test_bit(TDM_DEV_DISK_FAILED, &dev->flags))
		return TANDEM_DISK_FAILED;
	spin_lock_irqsave(&dev->state_lock, flags);
	d = dev->disk_state;
	spin_unlock_irqrestore(&dev->state_lock, flags);
	return d;
}


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

/*
 * Finish one part of @req (the local write, the send, the peer's ack); the
 * last one completes it, through the device layer's dev->req_done. Any
 * context.
 */
static inline void tdm_req_put(struct tdm_req *req)
{
	if (atomic_dec_and_test(&req->parts))
		req->dev->req_done(req);
}

#endif /* TDM_TANDEM_H */
