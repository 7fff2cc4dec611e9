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
 *   tdm_device.state_lock (spinlock, innermost)
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

#include "tandem_netlink.h"
#include "core/wire.h"

#define TDM_LOG_PREFIX "tandem: "

/* Discards and write-zeroes are split to fit the DATA packet's 32-bit size. */
#define TDM_MAX_DISCARD_SECTORS (1u << 20)

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
 * The primary's state for one upper-layer bio: allocated in front of the
 * clone sent to the backing disk. The bio completes when every part is done:
 * the local write, and for a replicated write the send (and in sync mode the
 * peer's ack).
 */
struct tdm_req {
	struct tdm_device *dev;
	struct bio *orig;
	unsigned long start;		/* for I/O accounting */
	atomic_t parts;			/* parts still to finish, see above */
	blk_status_t status;		/* the local write's */
	u64 seq;			/* id on the wire */
	u32 epoch;
	struct list_head send_node;	/* on conn->sendq, under conn->lock */
	struct hlist_node ack_node;	/* in conn->unacked (sync), under conn->lock */
	struct bio clone;		/* must be last */
};

/* The secondary's state for one write received from the peer. */
struct tdm_peer_req {
	struct tdm_conn *conn;
	u64 seq;
	sector_t sector;
	u32 size;
	blk_status_t status;
	struct list_head node;		/* conn->applying, then conn->acks; under conn->lock */
	struct bio bio;			/* must be last */
};

#define TDM_UNACKED_BITS 8

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
	unsigned int timeout_ms;
	bool assume_clean;		/* until first used, under lock */
	bool acceptor;			/* this side listens, the other connects */

	struct task_struct *thread;	/* "tandem/<res>": connect + receive */
	struct task_struct *sender;	/* "tandem-tx/<res>", during a session */
	struct socket *sock;		/* the session's socket; owned by thread */

	spinlock_t lock;		/* protects everything below */
	u32 cstate;			/* enum tandem_conn_state */
	u32 peer_role, peer_disk;	/* 0 when unknown */
	bool authenticated;
	bool replica_ok;		/* our data equals the peer's (see conn.c) */
	const char *last_error;		/* static string, or NULL */
	bool peer_said;			/* last_error is the peer's reason */
	/* primary side */
	struct list_head sendq;		/* tdm_req to send, in submission order */
	DECLARE_HASHTABLE(unacked, TDM_UNACKED_BITS); /* sync: sent, awaiting ack */
	u64 next_seq;
	u32 epoch;
	bool epoch_closed;		/* a write completed since the epoch began */
	u64 pending;			/* writes on sendq */
	/* secondary side */
	struct list_head applying;	/* tdm_peer_req being written locally */
	struct list_head acks;		/* tdm_peer_req written, ack to send */
	unsigned int applying_n;
	u32 peer_epoch;			/* epoch of the writes being applied */
	/* control packets the sender owes the peer */
	bool send_ping, send_pong, send_state, send_promote;
	int send_promote_reply;		/* -1 none, else TDM_PROMOTE_OK or 0 */
	bool promoting;			/* our PROMOTE is waiting for its answer */
	int promote_answer;		/* -1 waiting, else the peer's reply flags */
	bool dead;			/* the session is ending: stop sending */
	unsigned long last_rx;		/* jiffies when the peer was last heard */
	/* counters of the current session */
	u64 sent, sent_bytes, acked, received, received_bytes;

	wait_queue_head_t send_wq;	/* sender: work queued */
	wait_queue_head_t wq;		/* applying drained, promote answered, state changed */
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
	mempool_t *page_pool;		/* their pages */

	struct mutex open_lock;		/* protects the two below, and role writes */
	unsigned int open_count;	/* openers of /dev/tandemN */
	bool dying;			/* detach started: refuse new opens */

	struct mutex cfg_lock;		/* serializes role and connection changes */
	struct tdm_conn __rcu *conn;	/* NULL when standalone; written under
					 * cfg_lock, read under it or RCU */
	u32 role;			/* enum tandem_role; written under cfg_lock
					 * and open_lock, read under either */
	spinlock_t state_lock;		/* protects disk_state */
	u32 disk_state;			/* enum tandem_disk_state */
	unsigned long flags;		/* TDM_DEV_* bits, atomic */

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

static inline void tdm_set_disk_state(struct tdm_device *dev, u32 d)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->state_lock, flags);
	dev->disk_state = d;
	spin_unlock_irqrestore(&dev->state_lock, flags);
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

/* replication.c: the primary's side of a replicated write. */
bool tdm_replicate(struct tdm_device *dev, struct tdm_req *req);
void tdm_req_put(struct tdm_req *req);

/* conn.c: the connection to the peer. */
int tdm_conn_start(struct tdm_device *dev, struct tdm_conn *conn,
		   struct netlink_ext_ack *extack);
void tdm_conn_stop(struct tdm_device *dev);
void tdm_peer_state(struct tdm_conn *conn, u32 peer_role, u32 peer_disk);

/* sender.c, receiver.c: one session's threads. */
int tdm_sender_fn(void *data);
void tdm_peer_req_free(struct tdm_peer_req *preq);
int tdm_receive_loop(struct tdm_conn *conn);
void tdm_receiver_drain(struct tdm_conn *conn);
int tdm_send_all(struct tdm_conn *conn, const void *buf, size_t len, int flags);
int tdm_recv_all(struct tdm_conn *conn, void *buf, size_t len);

/* auth.c */
int tdm_auth_mac(const u8 *secret, unsigned int secret_len, const u8 *msg,
		 size_t len, u8 *mac);

/* state.c: roles. */
int tdm_promote(struct tdm_device *dev, bool force, struct netlink_ext_ack *extack);
int tdm_demote(struct tdm_device *dev, struct netlink_ext_ack *extack);

/* netlink.c: the generic netlink family. */
int tdm_genl_init(void);
void tdm_genl_exit(void);

#endif /* TDM_TANDEM_H */
