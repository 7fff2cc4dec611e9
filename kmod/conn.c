// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the connection to the peer.
 *
 * Both nodes are configured with both addresses. The node whose address
 * sorts lower connects, the other listens: they meet whichever starts first,
 * and only the listener has a port open, which accepts the configured peer's
 * IP address only. After a session ends, the connector retries with a
 * backoff from 100 ms doubling up to 500 ms; the listener just listens.
 *
 * A session: HELLO both ways (versions, name, size, protocol), then if a
 * secret is set an HMAC challenge-response (each side signs the other's
 * random nonce), then STATE both ways (role, disk). Only then does data
 * flow: the sender thread starts and this thread runs the receive loop.
 */
#include <linux/kthread.h>
#include <linux/random.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/tcp.h>
#include <crypto/algapi.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "tandem.h"

/* Connect retries: a peer that comes back is found within half a second. */
#define TDM_BACKOFF_MIN_MS 100
#define TDM_BACKOFF_MAX_MS 500
#define TDM_TICK_MS 250

static void tdm_set_error(struct tdm_conn *conn, const char *msg, bool peer_said)
{
	spin_lock_irq(&conn->lock);
	conn->last_error = msg;
	conn->peer_said = peer_said;
	spin_unlock_irq(&conn->lock);
}

static void tdm_sock_setup(struct socket *sock)
{
	struct sock *sk = sock->sk;

	tcp_sock_set_nodelay(sk);
	lock_sock(sk);
	sk->sk_allocation = GFP_NOIO;
	sk->sk_rcvtimeo = msecs_to_jiffies(TDM_TICK_MS);
	sk->sk_sndtimeo = msecs_to_jiffies(TDM_TICK_MS);
	release_sock(sk);
}

static bool tdm_same_ip(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((struct sockaddr_in *)b)->sin_addr.s_addr;
	return ipv6_addr_equal(&((struct sockaddr_in6 *)a)->sin6_addr,
			       &((struct sockaddr_in6 *)b)->sin6_addr);
}

/* A socket bound to the local address (port 0 for the connecting side). */
static int tdm_bound_socket(struct tdm_conn *conn, bool listen, struct socket **res)
{
	struct sockaddr_storage addr = conn->local;
	struct socket *sock;
	int ret;

	ret = sock_create_kern(&init_net, addr.ss_family, SOCK_STREAM, IPPROTO_TCP, &sock);
	if (ret)
		return ret;
	if (!listen) {
		if (addr.ss_family == AF_INET)
			((struct sockaddr_in *)&addr)->sin_port = 0;
		else
			((struct sockaddr_in6 *)&addr)->sin6_port = 0;
	} else {
		sock_set_reuseaddr(sock->sk);
	}
	ret = kernel_bind(sock, (struct sockaddr *)&addr, conn->addrlen);
	if (!ret && listen)
		ret = kernel_listen(sock, 4);
	if (ret) {
		sock_release(sock);
		return ret;
	}
	tdm_sock_setup(sock);
	*res = sock;
	return 0;
}

/* One attempt to reach the peer: a connected socket, or NULL. */
static struct socket *tdm_establish(struct tdm_conn *conn, struct socket *listener)
{
	struct sockaddr_storage from;
	struct socket *sock;
	int ret;

	if (!listener) {
		if (tdm_bound_socket(conn, false, &sock))
			return NULL;
		ret = kernel_connect(sock, (struct sockaddr *)&conn->peer, conn->addrlen, 0);
		if (ret) {
			sock_release(sock);
			return NULL;
		}
		return sock;
	}
	ret = kernel_accept(listener, &sock, 0);
	if (ret)
		return NULL;
	if (kernel_getpeername(sock, (struct sockaddr *)&from) < 0 ||
	    !tdm_same_ip(&from, &conn->peer)) {
		pr_warn_ratelimited(TDM_LOG_PREFIX "%s: refused a connection from %pISc: not the configured peer\n",
				    conn->dev->name, &from);
		tdm_set_error(conn, "refused a connection from an unexpected address", false);
		sock_release(sock);
		return NULL;
	}
	tdm_sock_setup(sock);
	return sock;
}

static int tdm_recv_hdr(struct tdm_conn *conn, struct tdm_hdr *h, u16 want)
{
	u8 buf[TDM_WIRE_HDR_LEN];
	int ret;

	ret = tdm_recv_all(conn, buf, sizeof(buf));
	if (ret)
		return ret;
	if (tdm_hdr_decode(buf, sizeof(buf), h) != TDM_WIRE_OK)
		return -EPROTO;
	if (h->type == TDM_P_REFUSE) {
		u8 why[4];
		u32 reason;

		ret = tdm_recv_all(conn, why, sizeof(why));
		if (ret)
			return ret;
		reason = tdm_be32_get(why);
		if (reason >= __TDM_REFUSE_MAX)
			reason = TDM_REFUSE_MALFORMED;
		pr_warn_ratelimited(TDM_LOG_PREFIX "%s: the peer refused the connection: %s\n",
				    conn->dev->name, tdm_refuse_str(reason));
		tdm_set_error(conn, tdm_refuse_str(reason), true);
		return -ECONNREFUSED;
	}
	return h->type == want ? 0 : -EPROTO;
}

/* Tell the peer why we hang up, and remember it for status. */
static int tdm_refuse(struct tdm_conn *conn, enum tdm_refuse reason)
{
	u8 buf[TDM_WIRE_HDR_LEN + 4];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_REFUSE, .len = 4 };

	tdm_hdr_encode(buf, &h);
	tdm_be32_put(buf + TDM_WIRE_HDR_LEN, reason);
	tdm_send_all(conn, buf, sizeof(buf), 0);
	pr_warn_ratelimited(TDM_LOG_PREFIX "%s: refusing the peer: %s\n",
			    conn->dev->name, tdm_refuse_str(reason));
	tdm_set_error(conn, tdm_refuse_str(reason), false);
	return -ECONNREFUSED;
}

static int tdm_handshake_auth(struct tdm_conn *conn, const u8 *my_nonce,
			      const u8 *peer_nonce)
{
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_MAC_LEN];
	u8 msg[TDM_AUTH_MSG_LEN], want[TDM_WIRE_MAC_LEN], got[TDM_WIRE_MAC_LEN];
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_AUTH,
			     .len = TDM_WIRE_MAC_LEN };
	int ret;

	/* Our answer to the peer's challenge... */
	tdm_auth_msg(msg, conn->acceptor, peer_nonce, my_nonce);
	tdm_hdr_encode(buf, &h);
	ret = tdm_auth_mac(conn->secret, conn->secret_len, msg, sizeof(msg),
			   buf + TDM_WIRE_HDR_LEN);
	if (!ret)
		ret = tdm_send_all(conn, buf, sizeof(buf), 0);
	/* ...and the peer's answer to ours. */
	if (!ret)
		ret = tdm_recv_hdr(conn, &h, TDM_P_AUTH);
	if (!ret)
		ret = tdm_recv_all(conn, got, sizeof(got));
	if (ret)
		return ret;
	tdm_auth_msg(msg, !conn->acceptor, my_nonce, peer_nonce);
	ret = tdm_auth_mac(conn->secret, conn->secret_len, msg, sizeof(msg), want);
	if (ret)
		return ret;
	if (crypto_memneq(want, got, sizeof(want)))
		return tdm_refuse(conn, TDM_REFUSE_AUTH);
	return 0;
}

/* The peer told us its role and disk state (handshake or STATE packet). */
void tdm_peer_state(struct tdm_conn *conn, u32 peer_role, u32 peer_disk)
{
	bool changed;

	spin_lock_irq(&conn->lock);
	changed = conn->peer_role != peer_role || conn->peer_disk != peer_disk;
	conn->peer_role = peer_role;
	conn->peer_disk = peer_disk;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->wq);
	if (changed)
		tdm_event(conn->dev, TANDEM_EVENT_PEER);
}

/* Our generations as the peer is to see them. */
void tdm_conn_gen(struct tdm_conn *conn, struct tdm_gen *g)
{
	struct tdm_device *dev = conn->dev;

	mutex_lock(&dev->md_lock);
	*g = dev->gen;
	mutex_unlock(&dev->md_lock);
	if (conn->assume_clean && !g->cur)
		g->flags |= TDM_GEN_ASSUME_CLEAN;
	if (conn->discard_mine)
		g->flags |= TDM_GEN_DISCARD_MINE;
}

/* Mark the data consistent (or not) and up to date, persistently. */
static int tdm_set_consistent(struct tdm_device *dev, bool consistent)
{
	int ret;

	ret = consistent ? tdm_md_set_flags(dev, TDM_MDF_CONSISTENT, TDM_MDF_OUTDATED) :
			   tdm_md_set_flags(dev, 0, TDM_MDF_CONSISTENT);
	tdm_set_disk_state(dev, consistent ? TANDEM_DISK_UPTODATE : TANDEM_DISK_INCONSISTENT);
	return ret;
}

/*
 * Act on a sync decision (see core/gen.h), before data flows or, for a
 * forced primary on a fresh pair, while it does. The peer takes the mirror
 * decision from the same generations.
 */
int tdm_apply_sync(struct tdm_conn *conn, enum tdm_sync s)
{
	struct tdm_device *dev = conn->dev;
	int ret = 0;

	switch (s) {
	case TDM_SYNC_NONE:
		mutex_lock(&dev->md_lock);
		tdm_gen_synced(&dev->gen);
		mutex_unlock(&dev->md_lock);
		tdm_bm_clear_all(dev);
		ret = tdm_bm_write(dev, false) ?: tdm_set_consistent(dev, true);
		break;
	case TDM_SYNC_FRESH:
		break;
	case TDM_SYNC_ADOPT:
		mutex_lock(&dev->md_lock);
		tdm_gen_adopt(&dev->gen, &conn->peer_gen);
		mutex_unlock(&dev->md_lock);
		conn->assume_clean = false;
		tdm_bm_clear_all(dev);
		ret = tdm_bm_write(dev, false) ?: tdm_set_consistent(dev, true);
		s = TDM_SYNC_NONE;
		break;
	case TDM_SYNC_PEER_ADOPTS:
		s = TDM_SYNC_NONE;
		break;
	case TDM_SYNC_SOURCE_FULL:
		tdm_bm_set_all(dev);
		fallthrough;
	case TDM_SYNC_SOURCE:
		ret = tdm_bm_write(dev, false);
		if (tdm_disk_state(dev) != TANDEM_DISK_INCONSISTENT)
			tdm_set_disk_state(dev, TANDEM_DISK_UPTODATE);
		break;
	case TDM_SYNC_TARGET_FULL:
		tdm_bm_set_all(dev);
		fallthrough;
	case TDM_SYNC_TARGET:
		ret = tdm_set_consistent(dev, false) ?: tdm_bm_write(dev, false);
		break;
	default:
		return -EINVAL;
	}
	spin_lock_irq(&conn->lock);
	conn->sync = s;
	conn->send_state = true;
	if (tdm_sync_is_target(s)) {
		conn->rs_total = tdm_bm_count(dev) << TDM_BM_SHIFT;
		conn->rs_done = 0;
		conn->rs_start = jiffies;
	}
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wq);
	if (s != TDM_SYNC_NONE && s != TDM_SYNC_FRESH)
		pr_info(TDM_LOG_PREFIX "%s: %s, %llu KiB out of sync\n", dev->name,
			tdm_sync_str(s), tdm_bm_count(dev) << (TDM_BM_SHIFT - 10));
	/*
	 * A source reports when its resync thread starts (tdm_resync_start); a
	 * target decided during the handshake, once connected (tdm_session).
	 */
	if (tdm_sync_is_target(s) && READ_ONCE(conn->cstate) == TANDEM_CONN_CONNECTED)
		tdm_event(dev, TANDEM_EVENT_SYNC);
	return ret;
}

/* Send our dirty bitmap as runs, then an empty BITMAP packet. */
static int tdm_send_bitmap(struct tdm_conn *conn, u8 *buf)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_BITMAP };
	u64 from = 0, start, n;
	unsigned int runs = 0;
	int ret;

	for (;;) {
		n = tdm_bm_next_run(dev, from, U32_MAX, &start);
		if (n) {
			struct tdm_run r = { .start = start, .count = n };

			tdm_run_encode(buf + TDM_WIRE_HDR_LEN + runs * TDM_WIRE_RUN_LEN, &r);
			runs++;
			from = start + n;
		}
		if (runs == TDM_WIRE_MAX_RUNS || (!n && runs)) {
			h.len = runs * TDM_WIRE_RUN_LEN;
			tdm_hdr_encode(buf, &h);
			ret = tdm_send_all(conn, buf, TDM_WIRE_HDR_LEN + h.len, 0);
			if (ret)
				return ret;
			runs = 0;
		}
		if (!n)
			break;
	}
	h.len = 0;
	tdm_hdr_encode(buf, &h);
	return tdm_send_all(conn, buf, TDM_WIRE_HDR_LEN, 0);
}

/* Receive the peer's bitmap runs and mark them in ours. */
static int tdm_recv_bitmap(struct tdm_conn *conn, u8 *buf)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_hdr h;
	struct tdm_run r;
	unsigned int i;
	int ret;

	for (;;) {
		ret = tdm_recv_hdr(conn, &h, TDM_P_BITMAP);
		if (ret)
			return ret;
		if (!h.len)
			return 0;
		ret = tdm_recv_all(conn, buf, h.len);
		if (ret)
			return ret;
		for (i = 0; i < h.len / TDM_WIRE_RUN_LEN; i++) {
			if (tdm_run_decode(buf + i * TDM_WIRE_RUN_LEN, TDM_WIRE_RUN_LEN,
					   dev->bm.nbits, &r) != TDM_WIRE_OK)
				return tdm_refuse(conn, TDM_REFUSE_MALFORMED);
			tdm_bm_set(dev, r.start << (TDM_BM_SHIFT - SECTOR_SHIFT),
				   (u64)r.count << (TDM_BM_SHIFT - SECTOR_SHIFT));
		}
	}
}

/* Generations both ways, the decision, and the bitmaps if it needs them. */
static int tdm_handshake_sync(struct tdm_conn *conn, u32 role, u32 peer_role)
{
	struct tdm_device *dev = conn->dev;
	const size_t buflen = TDM_WIRE_HDR_LEN + TDM_WIRE_MAX_RUNS * TDM_WIRE_RUN_LEN;
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_GEN,
			     .len = TDM_WIRE_GEN_LEN };
	struct tdm_gen mine;
	enum tdm_sync s;
	u8 *buf;
	int ret;

	buf = kmalloc(buflen, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	tdm_conn_gen(conn, &mine);
	conn->gen_sent = mine.cur;
	tdm_hdr_encode(buf, &h);
	tdm_gen_encode(buf + TDM_WIRE_HDR_LEN, &mine);
	ret = tdm_send_all(conn, buf, TDM_WIRE_HDR_LEN + TDM_WIRE_GEN_LEN, 0);
	if (!ret)
		ret = tdm_recv_hdr(conn, &h, TDM_P_GEN);
	if (!ret)
		ret = tdm_recv_all(conn, buf, TDM_WIRE_GEN_LEN);
	if (ret)
		goto out;
	if (tdm_gen_decode(buf, TDM_WIRE_GEN_LEN, &conn->peer_gen) != TDM_WIRE_OK) {
		ret = tdm_refuse(conn, TDM_REFUSE_MALFORMED);
		goto out;
	}
	s = tdm_sync_decide(&mine, &conn->peer_gen);
	if (s == TDM_SYNC_SPLIT_BRAIN || s == TDM_SYNC_UNRELATED) {
		pr_err(TDM_LOG_PREFIX "%s: %s (ours %016llx, peer's %016llx): not connecting, no data touched\n",
		       dev->name, tdm_sync_str(s), mine.cur, conn->peer_gen.cur);
		conn->halted = tdm_refuse_str(s == TDM_SYNC_SPLIT_BRAIN ? TDM_REFUSE_SPLIT_BRAIN :
					      TDM_REFUSE_UNRELATED);
		tdm_event(dev, TANDEM_EVENT_SPLIT_BRAIN);
		ret = tdm_refuse(conn, s == TDM_SYNC_SPLIT_BRAIN ? TDM_REFUSE_SPLIT_BRAIN :
				 TDM_REFUSE_UNRELATED);
		goto out;
	}
	if ((tdm_sync_is_target(s) && role == TANDEM_ROLE_PRIMARY) ||
	    (tdm_sync_is_source(s) && peer_role == TANDEM_ROLE_PRIMARY)) {
		ret = tdm_refuse(conn, TDM_REFUSE_TARGET_PRIMARY);
		goto out;
	}
	if (s == TDM_SYNC_SOURCE || s == TDM_SYNC_TARGET) {
		ret = tdm_send_bitmap(conn, buf);
		if (!ret)
			ret = tdm_recv_bitmap(conn, buf);
		if (ret)
			goto out;
	}
	ret = tdm_apply_sync(conn, s);
out:
	kfree(buf);
	return ret;
}

static int tdm_handshake(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	u8 buf[TDM_WIRE_HDR_LEN + TDM_WIRE_HELLO_LEN];
	struct tdm_hello mine = {
		.proto_min = TDM_WIRE_PROTO_MIN, .proto_max = TDM_WIRE_PROTO_MAX,
		.size_sectors = get_capacity(dev->disk), .protocol = conn->protocol,
		.flags = conn->secret_len ? TDM_HELLO_SECRET : 0,
	}, peer;
	struct tdm_hdr h = { .magic = TDM_WIRE_MAGIC, .type = TDM_P_HELLO,
			     .len = TDM_WIRE_HELLO_LEN };
	struct tdm_state st;
	enum tdm_refuse why;
	u32 proto, role;
	int ret;

	WRITE_ONCE(conn->last_rx, jiffies);
	strscpy(mine.name, dev->name, sizeof(mine.name));
	get_random_bytes(mine.nonce, sizeof(mine.nonce));
	tdm_hdr_encode(buf, &h);
	tdm_hello_encode(buf + TDM_WIRE_HDR_LEN, &mine);
	ret = tdm_send_all(conn, buf, sizeof(buf), 0);
	if (!ret)
		ret = tdm_recv_hdr(conn, &h, TDM_P_HELLO);
	if (!ret)
		ret = tdm_recv_all(conn, buf, TDM_WIRE_HELLO_LEN);
	if (ret)
		return ret;
	if (tdm_hello_decode(buf, TDM_WIRE_HELLO_LEN, &peer) != TDM_WIRE_OK)
		return tdm_refuse(conn, TDM_REFUSE_MALFORMED);
	why = tdm_hello_check(&mine, &peer, &proto);
	if (why != TDM_REFUSE_NONE)
		return tdm_refuse(conn, why);
	if (conn->secret_len) {
		ret = tdm_handshake_auth(conn, mine.nonce, peer.nonce);
		if (ret)
			return ret;
	}

	role = READ_ONCE(dev->role);
	st.role = role;
	st.disk = tdm_disk_state(dev);
	h = (struct tdm_hdr){ .magic = TDM_WIRE_MAGIC, .type = TDM_P_STATE,
			      .len = TDM_WIRE_STATE_LEN };
	tdm_hdr_encode(buf, &h);
	tdm_state_encode(buf + TDM_WIRE_HDR_LEN, &st);
	ret = tdm_send_all(conn, buf, TDM_WIRE_HDR_LEN + TDM_WIRE_STATE_LEN, 0);
	if (!ret)
		ret = tdm_recv_hdr(conn, &h, TDM_P_STATE);
	if (!ret)
		ret = tdm_recv_all(conn, buf, TDM_WIRE_STATE_LEN);
	if (ret)
		return ret;
	if (tdm_state_decode(buf, TDM_WIRE_STATE_LEN, &st) != TDM_WIRE_OK)
		return tdm_refuse(conn, TDM_REFUSE_MALFORMED);
	if (st.role == TANDEM_ROLE_PRIMARY && role == TANDEM_ROLE_PRIMARY)
		return tdm_refuse(conn, TDM_REFUSE_BOTH_PRIMARY);

	spin_lock_irq(&conn->lock);
	conn->sync = TDM_SYNC_FRESH;
	conn->rs_total = conn->rs_done = 0;
	spin_unlock_irq(&conn->lock);
	tdm_peer_state(conn, st.role, st.disk);
	ret = tdm_handshake_sync(conn, role, st.role);
	if (ret)
		return ret;

	spin_lock_irq(&conn->lock);
	conn->authenticated = conn->secret_len != 0;
	conn->last_error = NULL;
	conn->send_state = true;
	conn->dead = false;
	conn->sent = conn->sent_bytes = conn->acked = 0;
	conn->received = conn->received_bytes = 0;
	conn->peer_epoch = 0;
	spin_unlock_irq(&conn->lock);
	pr_info(TDM_LOG_PREFIX "%s: connected to %pISpc (%s, protocol v%u%s), peer is %s, %s\n",
		dev->name, &conn->peer, tdm_proto_str(conn->protocol), proto,
		conn->secret_len ? ", authenticated" : ", unauthenticated",
		tdm_role_str(st.role), tdm_disk_str(st.disk));
	return 0;
}

/* A session: start the sender, receive until the link fails. */
static void tdm_session(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	struct task_struct *sender;
	int ret;

	sender = kthread_run(tdm_sender_fn, conn, "tandem-tx/%s", dev->name);
	if (IS_ERR(sender))
		return;
	get_task_struct(sender);
	spin_lock_irq(&conn->lock);
	conn->sender = sender;
	conn->cstate = TANDEM_CONN_CONNECTED;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->wq);
	tdm_event(dev, TANDEM_EVENT_CONNECTION);
	if (tdm_sync_is_target(conn->sync))
		tdm_event(dev, TANDEM_EVENT_SYNC);
	/* A write without the peer during the handshake: decide again. */
	if (READ_ONCE(dev->gen.cur) != conn->gen_sent) {
		pr_warn(TDM_LOG_PREFIX "%s: new data generation during the handshake: reconnecting\n",
			dev->name);
		return;
	}
	if (tdm_sync_is_source(conn->sync))
		tdm_resync_start(conn);

	ret = tdm_receive_loop(conn);
	if (!kthread_should_stop())
		pr_warn(TDM_LOG_PREFIX "%s: connection to the peer lost (%s)\n", dev->name,
			ret == -ETIMEDOUT ? "timeout" : ret == -ECONNRESET ? "closed by the peer" :
			ret == -EREMOTEIO ? "the peer's disk failed a write" :
			ret == -EPROTO ? "protocol error" : "network error");
}

/*
 * End a session: no new writes are queued, the sender stops, writes being
 * applied finish, and every write still waiting for the peer completes on
 * the local disk alone; the peer's data is then outdated.
 */
static void tdm_session_end(struct tdm_conn *conn)
{
	struct tdm_device *dev = conn->dev;
	struct tdm_req *req, *tmp;
	struct hlist_node *htmp;
	LIST_HEAD(unsent);
	LIST_HEAD(unacked);
	unsigned int bkt;
	bool was_connected, primary, missed, ahead;

	spin_lock_irq(&conn->lock);
	was_connected = conn->cstate == TANDEM_CONN_CONNECTED;
	conn->dead = true;
	spin_unlock_irq(&conn->lock);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	/* The sender first: it may start a resync (tdm_catch_up). */
	if (conn->sender) {
		kthread_stop(conn->sender);
		put_task_struct(conn->sender);
		conn->sender = NULL;
	}
	tdm_resync_stop(conn);
	tdm_verify_stop(conn);
	tdm_receiver_drain(conn);

	/*
	 * A primary goes on without the peer: its writes from now on belong
	 * to a new generation, started by the first of them (see meta.c), or
	 * at once below if writes the peer missed are waiting to complete.
	 */
	primary = was_connected && READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY;
	spin_lock_irq(&conn->lock);
	if (primary)
		tdm_gen_pending(dev, true);
	conn->cstate = conn->halted ? TANDEM_CONN_STANDALONE : TANDEM_CONN_CONNECTING;
	conn->sync = TDM_SYNC_FRESH;
	ahead = conn->ahead;
	conn->ahead = conn->ahead_owed = false;
	conn->backlog = 0;
	missed = tdm_async_forget(conn);
	list_splice_init(&conn->sendq, &unsent);
	conn->pending = 0;
	hash_for_each_safe(conn->unacked, bkt, htmp, req, ack_node) {
		hash_del(&req->ack_node);
		list_add_tail(&req->wait_node, &unacked);
	}
	if (READ_ONCE(dev->role) == TANDEM_ROLE_PRIMARY &&
	    conn->peer_disk >= TANDEM_DISK_OUTDATED)
		conn->peer_disk = TANDEM_DISK_OUTDATED;
	if (conn->peer_role == TANDEM_ROLE_PRIMARY)
		conn->peer_role = TANDEM_ROLE_SECONDARY;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->wq);
	if (was_connected || conn->halted)
		tdm_event(dev, TANDEM_EVENT_CONNECTION);

	/* Writes only marked while ahead: resync them even if nothing else changes. */
	if (ahead)
		tdm_md_owe_resync(dev);
	if (primary && (missed || !list_empty(&unsent) || !list_empty(&unacked))) {
		queue_work(system_unbound_wq, &dev->gen_work);
		flush_work(&dev->gen_work);
	}

	/* A sync request neither sent nor acked is on both lists: one part each. */
	tdm_sendq_drop(dev, &unsent);
	list_for_each_entry_safe(req, tmp, &unacked, wait_node) {
		list_del_init(&req->wait_node);
		tdm_bm_set(dev, req->orig->bi_iter.bi_sector, bio_sectors(req->orig));
		tdm_req_put(req);
	}
	tdm_bm_write(dev, false);
	sock_release(conn->sock);
	conn->sock = NULL;
}

static int tdm_conn_thread(void *data)
{
	struct tdm_conn *conn = data;
	struct socket *listener = NULL;
	unsigned int backoff = TDM_BACKOFF_MIN_MS;

	while (!kthread_should_stop()) {
		if (conn->halted) {
			/* Split brain or unrelated data: wait for disconnect. */
			schedule_timeout_interruptible(MAX_SCHEDULE_TIMEOUT);
			continue;
		}
		if (conn->acceptor && !listener &&
		    tdm_bound_socket(conn, true, &listener)) {
			tdm_set_error(conn, "cannot listen on the local address", false);
			schedule_timeout_interruptible(msecs_to_jiffies(TDM_BACKOFF_MAX_MS));
			continue;
		}
		conn->sock = tdm_establish(conn, listener);
		conn->rx_head = conn->rx_tail = 0;
		if (!conn->sock) {
			if (!listener) {
				schedule_timeout_interruptible(msecs_to_jiffies(backoff));
				backoff = min(backoff * 2, TDM_BACKOFF_MAX_MS);
			}
			continue;
		}
		if (!tdm_handshake(conn)) {
			backoff = TDM_BACKOFF_MIN_MS;
			tdm_session(conn);
		}
		tdm_session_end(conn);
	}
	if (listener)
		sock_release(listener);
	return 0;
}

/* Start connecting; the caller holds dev->cfg_lock and filled in @conn's config. */
int tdm_conn_start(struct tdm_device *dev, struct tdm_conn *conn,
		   struct netlink_ext_ack *extack)
{
	struct socket *probe;
	int ret;

	conn->dev = dev;
	spin_lock_init(&conn->lock);
	INIT_LIST_HEAD(&conn->sendq);
	conn->applying = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&conn->acks);
	INIT_LIST_HEAD(&conn->rsq);
	INIT_LIST_HEAD(&conn->rs_reading);
	INIT_LIST_HEAD(&conn->vfq);
	INIT_LIST_HEAD(&conn->vf_pending);
	hash_init(conn->unacked);
	init_waitqueue_head(&conn->send_wq);
	init_waitqueue_head(&conn->wq);
	init_waitqueue_head(&conn->rs_wq);
	timer_setup(&conn->ack_timer, tdm_ack_timer_fn, 0);
	conn->sync = TDM_SYNC_FRESH;
	conn->rx = kvmalloc(TDM_RX_SIZE, GFP_KERNEL);
	if (!conn->rx)
		return -ENOMEM;
	if (conn->protocol == TANDEM_PROTO_ASYNC) {
		conn->aslots = kvcalloc(TDM_ASYNC_SLOTS, sizeof(*conn->aslots), GFP_KERNEL);
		if (!conn->aslots) {
			ret = -ENOMEM;
			goto err_free_rx;
		}
	}
	conn->cstate = TANDEM_CONN_CONNECTING;
	conn->send_promote_reply = -1;
	conn->promote_answer = -1;

	/* Fail now, not in the thread, if the local address cannot be used. */
	ret = tdm_bound_socket(conn, conn->acceptor, &probe);
	if (ret) {
		if (ret == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "local address is already in use");
		else
			NL_SET_ERR_MSG(extack, "cannot bind the local address (is it an address of this node?)");
		goto err_free_slots;
	}
	sock_release(probe);

	conn->thread = kthread_create(tdm_conn_thread, conn, "tandem/%s", dev->name);
	if (IS_ERR(conn->thread)) {
		NL_SET_ERR_MSG(extack, "cannot start the connection thread");
		ret = PTR_ERR(conn->thread);
		goto err_free_slots;
	}
	get_task_struct(conn->thread);
	rcu_assign_pointer(dev->conn, conn);
	wake_up_process(conn->thread);
	tdm_event(dev, TANDEM_EVENT_CONNECTION);
	pr_info(TDM_LOG_PREFIX "%s: connecting %pISpc to %pISpc (%s, %s)\n", dev->name,
		&conn->local, &conn->peer, tdm_proto_str(conn->protocol),
		conn->acceptor ? "listening" : "connecting");
	return 0;

err_free_slots:
	kvfree(conn->aslots);
err_free_rx:
	kvfree(conn->rx);
	return ret;
}

/* Disconnect; the caller holds dev->cfg_lock. Writes go on locally. */
void tdm_conn_stop(struct tdm_device *dev)
{
	struct tdm_conn *conn = rcu_dereference_protected(dev->conn,
							  lockdep_is_held(&dev->cfg_lock));

	if (!conn)
		return;
	kthread_stop(conn->thread);
	put_task_struct(conn->thread);
	RCU_INIT_POINTER(dev->conn, NULL);
	synchronize_rcu();
	pr_info(TDM_LOG_PREFIX "%s: disconnected\n", dev->name);
	tdm_event(dev, TANDEM_EVENT_CONNECTION);
	kvfree(conn->aslots);
	kvfree(conn->rx);
	kfree_sensitive(conn);
}
