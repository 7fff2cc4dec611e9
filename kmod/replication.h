/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: the replication layer: the connection to the peer and its thread
 * (conn.c), the handshake opening a session (handshake.c), the primary's side of a write (replication.c), a session's
 * sender and receiver (sender.c, receiver.c), resync (resync.c), online
 * verify (verify.c), peer authentication (auth.c). Called by the device and
 * control layers; calls the transport, metadata and below. It finishes its
 * part of a request with tdm_req_put() (tandem.h), which calls back into
 * the device layer through dev->req_done.
 */
#ifndef TDM_REPLICATION_H
#define TDM_REPLICATION_H

#include "tandem.h"

/* conn.c: the connection to the peer. */
/* dev->cfg_lock held; may sleep. */
int tdm_conn_start(struct tdm_device *dev, struct tdm_conn *conn,
		   struct netlink_ext_ack *extack);
void tdm_conn_stop(struct tdm_device *dev);
/* The connection thread, or a netlink request: remember why it failed. */
void tdm_set_error(struct tdm_conn *conn, const char *msg, bool peer_said);
/* The connection thread: true (said why) if the peer is to be dropped for ko-count. */
bool tdm_ko_expired(struct tdm_conn *conn);

/* handshake.c: opening a session, and the state it settles. The connection thread; may sleep. */
/* Timeouts the handshake may take up to the generations' exchange. */
#define TDM_HS_DEADLINE 4
int tdm_handshake(struct tdm_conn *conn);
/* Any context: @buf, the first bytes a connection sent, hold a whole HELLO (or are none). */
bool tdm_hs_opened(const void *buf, size_t len);
void tdm_peer_state(struct tdm_conn *conn, u32 peer_role, u32 peer_disk);
void tdm_conn_gen(struct tdm_conn *conn, struct tdm_gen *g);
int tdm_apply_sync(struct tdm_conn *conn, enum tdm_sync s);

/* replication.c: the primary's side of a replicated write. */
/* Any context: tell the peer our role and disk state, now (a disk failed). */
void tdm_peer_tell_state(struct tdm_device *dev);
/*
 * Process context, no lock held: true if queued for the peer; else a
 * write's blocks are marked in the bitmap.
 */
bool tdm_replicate(struct tdm_device *dev, struct tdm_req *req);
/*
 * Any context: a diskless node's request, served by the peer alone (its
 * local part is dropped); a diskless node's failed local write, rescued
 * if the peer has it.
 */
void tdm_remote_submit(struct tdm_device *dev, struct tdm_req *req);
void tdm_remote_rescue(struct tdm_device *dev, struct tdm_req *req);
/* Any context. */
void tdm_acopy_free(struct tdm_device *dev, struct tdm_acopy *c);
/* Any context, no conn->lock held. */
void tdm_sendq_drop(struct tdm_device *dev, struct list_head *items);
/* conn->lock held. */
bool tdm_async_acked(struct tdm_conn *conn, u64 seq, bool failed);
bool tdm_async_forget(struct tdm_conn *conn);
/* The connection thread; may sleep. */
void tdm_peer_write_failed(struct tdm_conn *conn, struct tdm_req *req, bool marked, u64 seq);

/* verify.c: online verify. */
/* dev->cfg_lock held; may sleep. */
/* Compare sectors [@start, @start + @len), clipped to the device (@len: U64_MAX >> 9 for all). */
int tdm_verify_start(struct tdm_device *dev, sector_t start, u64 len,
		     struct netlink_ext_ack *extack);
/* The connection thread; may sleep. */
int tdm_verify_request(struct tdm_conn *conn, const struct tdm_hdr *h);
int tdm_verify_reply(struct tdm_conn *conn, const struct tdm_hdr *h);
void tdm_verify_stop(struct tdm_conn *conn);
/* The sender; no conn->lock held. */
void tdm_vf_encoded(struct tdm_conn *conn, struct tdm_vf_req *vf);
void tdm_vf_drop(struct tdm_conn *conn, struct list_head *list);

/* resync.c: copying out-of-sync blocks to the peer. */
/* dev->cfg_lock held: resync every block from the peer, or to it. */
int tdm_invalidate(struct tdm_device *dev, struct netlink_ext_ack *extack);
int tdm_invalidate_remote(struct tdm_device *dev, struct netlink_ext_ack *extack);
/* The connection thread: the peer asked for every block (its invalidate). */
void tdm_resync_requested(struct tdm_conn *conn);
/* The connection or sender thread; may sleep. */
void tdm_resync_start(struct tdm_conn *conn);
void tdm_catch_up(struct tdm_conn *conn);
void tdm_resync_stop(struct tdm_conn *conn);
int tdm_resync_acked(struct tdm_conn *conn, const struct tdm_hdr *h);
int tdm_resync_finish_target(struct tdm_conn *conn, const struct tdm_gen *src);
/* Any context. */
void tdm_rs_req_free(struct tdm_device *dev, struct tdm_rs_req *rs);
void tdm_resync_write_done(struct tdm_device *dev, struct bio *bio);
/* conn->lock held. */
void tdm_resync_progress(struct tdm_conn *conn);
void tdm_resync_spoil(struct tdm_conn *conn, sector_t sector, u32 sectors);

/* sender.c: the session's sender thread. */
int tdm_sender_fn(void *data);
/* The wire form of a write; any context. */
void tdm_wire_write(struct bio *bio, struct tdm_data *d, u16 *flags);

/* A secondary's acks go in packets of at most this many (receiver.c, sender.c). */
#define TDM_ACK_BATCH 32

/* receiver.c: the session's receiving side, on the connection thread; may sleep. */
int tdm_receive_loop(struct tdm_conn *conn);
void tdm_receiver_drain(struct tdm_conn *conn);
/* The sender thread; may sleep. */
bool tdm_applied_failed(struct tdm_conn *conn, struct list_head *acks);
/* Any context. */
void tdm_peer_req_free(struct tdm_peer_req *preq);
/* conn->lock held: @preq's ack is queued. */
void tdm_ack_queued(struct tdm_conn *conn, struct tdm_peer_req *preq);
/* Timer (softirq) context. */
void tdm_ack_timer_fn(struct timer_list *t);
/* A work item: writes the peer's requests that waited, once they may go. */
void tdm_apply_work(struct work_struct *work);

/* resize.c: the device's size, agreed with the peer and grown with it. */
/* Any context: this node's SIZES. */
void tdm_sizes_mine(struct tdm_device *dev, struct tdm_sizes *s);
/*
 * May sleep: take @sectors as the device's size, recorded before shown;
 * grown with @mark, the new blocks are marked and owed to the peer first.
 */
int tdm_take_size(struct tdm_device *dev, u64 sectors, bool mark);
/* dev->cfg_lock held: grow both nodes to @asked sectors (0: the most both hold). */
int tdm_resize(struct tdm_device *dev, u64 asked, bool clean, struct netlink_ext_ack *extack);
/* Connection setup. */
void tdm_resize_init(struct tdm_conn *conn);
/* The connection thread: the peer's RESIZE and RESIZE_REPLY. */
int tdm_resize_request(struct tdm_conn *conn, const struct tdm_hdr *h);
int tdm_resize_reply(struct tdm_conn *conn, const struct tdm_hdr *h);
/* The connection thread, at a session's end: the peer's RESIZE done or dropped. */
void tdm_resize_stop(struct tdm_conn *conn);

/* fence.c: fencing the peer a primary lost. */
/* Device setup and teardown; teardown may sleep (it ends a running handler). */
void tdm_fence_init(struct tdm_device *dev);
void tdm_fence_stop(struct tdm_device *dev);
/* The connection thread, at a session's end: a primary lost an up-to-date peer. */
void tdm_fence_peer_lost(struct tdm_conn *conn);
/*
 * Process context: frozen writes complete, as the peer is back (a session
 * began) or this node is no longer primary; @why goes to the log.
 */
void tdm_fence_thaw(struct tdm_device *dev, const char *why);
/* Any context: true if @req's completion is held, as writes are frozen. */
bool tdm_fence_hold(struct tdm_device *dev, struct tdm_req *req);
/*
 * dev->cfg_lock held, may sleep: a secondary promoted without its peer runs
 * the handler and waits for its answer (at most TDM_FENCE_PROMOTE_WAIT
 * seconds); 0 if the peer is fenced or the policy is none.
 */
#define TDM_FENCE_PROMOTE_WAIT 30
int tdm_fence_for_promote(struct tdm_conn *conn, struct netlink_ext_ack *extack);
/* dev->cfg_lock held: the admin completes frozen writes, the peer unfenced. */
int tdm_fence_resume(struct tdm_device *dev, struct netlink_ext_ack *extack);
/* For status: whether writes are frozen, the last handler result (0: none). */
void tdm_fence_status(struct tdm_device *dev, bool *frozen, u32 *result);

/* auth.c: HMAC-SHA256 of @msg with the secret; may sleep. */
int tdm_auth_mac(const u8 *secret, unsigned int secret_len, const u8 *msg,
		 size_t len, u8 *mac);

#endif /* TDM_REPLICATION_H */
