// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the TCP transport. Sockets are made, bound, connected and
 * accepted here; every byte of a session goes through tdm_tr_send*() and
 * tdm_tr_recv*(). Both wait in short ticks (the socket's timeouts), so that
 * a receive notices a silent peer; tdm_tr_abort() shuts the socket down,
 * which ends any wait at once, and so does kthread_stop() (it makes a
 * signal pending for the socket's wait).
 */
#include <linux/bio.h>
#include <linux/highmem.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/tcp.h>
#include <linux/uio.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "transport.h"

/* A blocked send or receive looks around this often. */
#define TDM_TICK_MS 250
/* A listener with connections waiting for their opening looks at them this often. */
#define TDM_TR_POLL_MS 20

int tdm_tr_init(struct tdm_transport *t)
{
	t->rx = kvmalloc(TDM_RX_SIZE, GFP_KERNEL);
	return t->rx ? 0 : -ENOMEM;
}

void tdm_tr_exit(struct tdm_transport *t)
{
	kvfree(t->rx);
	t->rx = NULL;
}

static void tdm_tr_setup(struct socket *sock)
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

int tdm_tr_bind(const struct sockaddr_storage *local, int addrlen, bool listen,
		struct socket **res)
{
	struct sockaddr_storage addr = *local;
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
	ret = kernel_bind(sock, (struct sockaddr *)&addr, addrlen);
	if (!ret && listen)
		ret = kernel_listen(sock, 2 * TDM_TR_CANDIDATES);
	if (ret) {
		sock_release(sock);
		return ret;
	}
	tdm_tr_setup(sock);
	*res = sock;
	return 0;
}

int tdm_tr_connect(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		   int addrlen, unsigned int timeout_ms, struct socket **res)
{
	struct socket *sock;
	int ret;

	ret = tdm_tr_bind(local, addrlen, false, &sock);
	if (ret)
		return ret;
	/* A connect waits for the send timeout: a whole round trip may take longer than a tick. */
	sock->sk->sk_sndtimeo = msecs_to_jiffies(timeout_ms);
	ret = kernel_connect(sock, (struct sockaddr *)peer, addrlen, 0);
	sock->sk->sk_sndtimeo = msecs_to_jiffies(TDM_TICK_MS);
	if (ret) {
		sock_release(sock);
		return ret;
	}
	*res = sock;
	return 0;
}

int tdm_tr_listen(const struct sockaddr_storage *local, int addrlen, struct tdm_listener *l)
{
	l->nr = 0;
	return tdm_tr_bind(local, addrlen, true, &l->sock);
}

/* Close candidate @i. */
static void tdm_tr_drop(struct tdm_listener *l, unsigned int i, bool release)
{
	if (release)
		sock_release(l->cand[i].sock);
	memmove(&l->cand[i], &l->cand[i + 1], (l->nr - i - 1) * sizeof(l->cand[0]));
	l->nr--;
}

void tdm_tr_unlisten(struct tdm_listener *l)
{
	while (l->nr)
		tdm_tr_drop(l, 0, true);
	if (l->sock)
		sock_release(l->sock);
	l->sock = NULL;
}

/*
 * Accept one connection (@flags: O_NONBLOCK, or 0: wait up to a tick) as a
 * candidate; there must be room for it.
 */
static int tdm_tr_take(struct tdm_listener *l, const struct sockaddr_storage *peer, int flags,
		       struct sockaddr_storage *from)
{
	struct socket *sock;
	int ret;

	ret = kernel_accept(l->sock, &sock, flags);
	if (ret)
		return ret;
	if (kernel_getpeername(sock, (struct sockaddr *)from) < 0)
		ret = -ENOTCONN;	/* gone already (reset): @from is not set */
	else if (!tdm_same_ip(from, peer))
		ret = -EACCES;
	if (ret) {
		sock_release(sock);
		return ret;
	}
	tdm_tr_setup(sock);
	l->cand[l->nr].sock = sock;
	l->cand[l->nr].since = jiffies;
	l->nr++;
	return 0;
}

/* 1: @sock's opening is complete, 0: not yet, < 0: closed or failed. */
static int tdm_tr_opened(struct socket *sock, bool (*opened)(const void *buf, size_t len))
{
	u8 buf[TDM_TR_OPENING_MAX];
	struct kvec iov = { buf, sizeof(buf) };
	struct msghdr msg = { };
	int ret;

	ret = kernel_recvmsg(sock, &msg, &iov, 1, sizeof(buf), MSG_PEEK | MSG_DONTWAIT);
	if (ret == -EAGAIN)
		return 0;
	if (ret <= 0)
		return ret ?: -ECONNRESET;
	return opened(buf, ret);
}

/*
 * The first candidate whose opening is complete, out of the set; the ones
 * gone, or silent for @silent_ms (however much they sent: a stale opening
 * is no better), are dropped. NULL if none.
 */
static struct socket *tdm_tr_pick(struct tdm_listener *l, unsigned int silent_ms,
				  bool (*opened)(const void *buf, size_t len))
{
	struct socket *sock;
	unsigned int i;
	int ret;

	for (i = 0; i < l->nr;) {
		if (time_after(jiffies, l->cand[i].since + msecs_to_jiffies(silent_ms))) {
			tdm_tr_drop(l, i, true);
			continue;
		}
		ret = tdm_tr_opened(l->cand[i].sock, opened);
		if (ret > 0) {
			sock = l->cand[i].sock;
			tdm_tr_drop(l, i, false);
			return sock;
		}
		if (ret < 0)
			tdm_tr_drop(l, i, true);
		else
			i++;
	}
	return NULL;
}

int tdm_tr_accept(struct tdm_listener *l, const struct sockaddr_storage *peer,
		  unsigned int silent_ms, bool (*opened)(const void *buf, size_t len),
		  struct socket **res, struct sockaddr_storage *from)
{
	struct sockaddr_storage addr;
	unsigned int n;
	int ret, err = 0;

	/* None waits: wait a tick for one. */
	if (!l->nr) {
		ret = tdm_tr_take(l, peer, 0, from);
		if (ret)
			return ret;
	}
	/*
	 * Take the others waiting, a bounded number per call (connections that
	 * keep coming must not keep the ones taken from being looked at); when
	 * the set is full, the oldest that has not opened makes room.
	 */
	for (n = 0; n < 2 * TDM_TR_CANDIDATES; n++) {
		if (l->nr == TDM_TR_CANDIDATES) {
			*res = tdm_tr_pick(l, silent_ms, opened);
			if (*res)
				return 0;
			if (l->nr == TDM_TR_CANDIDATES)
				tdm_tr_drop(l, 0, true);
		}
		ret = tdm_tr_take(l, peer, O_NONBLOCK, &addr);
		if (ret == -EAGAIN)
			break;
		if (ret && !err) {
			err = ret;
			*from = addr;
		}
	}
	*res = tdm_tr_pick(l, silent_ms, opened);
	if (*res)
		return 0;
	if (l->nr && !err)
		schedule_timeout_interruptible(msecs_to_jiffies(TDM_TR_POLL_MS));
	return err ?: -EAGAIN;
}

void tdm_tr_start(struct tdm_transport *t, struct socket *sock)
{
	t->sock = sock;
	t->rx_head = t->rx_tail = 0;
	tdm_silence_heard(&t->silence, jiffies);
	WRITE_ONCE(t->dead, false);
	t->deadline = 0;
}

void tdm_tr_deadline(struct tdm_transport *t, unsigned int ms)
{
	t->deadline = ms ? (jiffies + msecs_to_jiffies(ms)) | 1 : 0;
}

void tdm_tr_release(struct tdm_transport *t)
{
	sock_release(t->sock);
	t->sock = NULL;
}

/* A shutdown, not just the flag: a thread blocked in the socket wakes up at once. */
void tdm_tr_abort(struct tdm_transport *t)
{
	WRITE_ONCE(t->dead, true);
	if (t->sock)
		kernel_sock_shutdown(t->sock, SHUT_RDWR);
}

/* A send that timed out a tick: go on unless the session or the thread ends. */
static bool tdm_tr_send_again(struct tdm_transport *t, int ret)
{
	return (ret == -EAGAIN || ret == -EINTR) && !tdm_tr_dead(t) && !kthread_should_stop();
}

/*
 * A send took nothing (@ret <= 0): 0 to try again, else the error to return:
 * the session or the thread ends, or the peer has taken nothing for
 * TDM_SEND_STALL timeouts of @stuck (a starved node's own pauses aside).
 */
static int tdm_tr_send_stuck(struct tdm_transport *t, int ret, struct tdm_silence *stuck)
{
	unsigned long stall = msecs_to_jiffies(TDM_SEND_STALL * READ_ONCE(t->timeout_ms));

	if (!tdm_tr_send_again(t, ret)) {
		if (ret == -EAGAIN || ret == -EINTR)
			return -ECONNABORTED;
		return ret ? ret : -EPIPE;
	}
	if (tdm_silence_waited(stuck, jiffies, msecs_to_jiffies(TDM_TICK_MS)) > stall)
		return -ETIMEDOUT;
	return 0;
}

int tdm_tr_send_iter(struct tdm_transport *t, struct msghdr *msg)
{
	struct tdm_silence stuck;
	int ret;

	tdm_silence_heard(&stuck, jiffies);
	while (msg_data_left(msg)) {
		ret = sock_sendmsg(t->sock, msg);
		if (ret > 0) {
			tdm_silence_heard(&stuck, jiffies);
			continue;
		}
		ret = tdm_tr_send_stuck(t, ret, &stuck);
		if (ret)
			return ret;
	}
	return 0;
}

int tdm_tr_send(struct tdm_transport *t, const void *buf, size_t len, int flags)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };

	iov_iter_kvec(&msg.msg_iter, WRITE, &iov, 1, len);
	return tdm_tr_send_iter(t, &msg);
}

int tdm_tr_send_bio_copy(struct tdm_transport *t, struct bio *bio, int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };
	struct bvec_iter iter;
	struct bio_vec bv;
	unsigned int nr = 0;

	bio_for_each_bvec(bv, bio, iter)
		nr++;
	iov_iter_bvec(&msg.msg_iter, WRITE, __bvec_iter_bvec(bio->bi_io_vec, bio->bi_iter),
		      nr, bio->bi_iter.bi_size);
	msg.msg_iter.iov_offset = bio->bi_iter.bi_bvec_done;
	return tdm_tr_send_iter(t, &msg);
}

int tdm_tr_send_bvecs(struct tdm_transport *t, struct bio_vec *pages, unsigned int nr,
		      size_t len, int flags)
{
	struct msghdr msg = { .msg_flags = flags | MSG_NOSIGNAL };

	iov_iter_bvec(&msg.msg_iter, WRITE, pages, nr, len);
	return tdm_tr_send_iter(t, &msg);
}

int tdm_tr_send_page(struct tdm_transport *t, struct page *page, unsigned int off,
		     unsigned int len, int flags)
{
	struct tdm_silence stuck;
	int ret;

	if (!sendpage_ok(page)) {
		void *p = kmap_local_page(page);

		ret = tdm_tr_send(t, p + off, len, flags);
		kunmap_local(p);
		return ret;
	}
	tdm_silence_heard(&stuck, jiffies);
	while (len) {
		ret = kernel_sendpage(t->sock, page, off, len, flags | MSG_NOSIGNAL);
		if (ret > 0) {
			off += ret;
			len -= ret;
			tdm_silence_heard(&stuck, jiffies);
			continue;
		}
		ret = tdm_tr_send_stuck(t, ret, &stuck);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Read from the socket into @msg's iterator: all of it with MSG_WAITALL,
 * else whatever is there, at least one byte. It gives up when the peer has
 * been silent for the timeout, and calls t->idle every quarter of the
 * timeout it spends here, waiting or reading: a long packet that arrives
 * slowly (a resync run on a slow link) must not keep us silent, as the
 * peer, whose sender is busy sending it, hears only us meanwhile.
 */
static int tdm_tr_sock_recv(struct tdm_transport *t, struct msghdr *msg, int flags)
{
	unsigned long timeout = msecs_to_jiffies(READ_ONCE(t->timeout_ms));
	unsigned long last_idle = jiffies;
	int ret;

	while (msg_data_left(msg)) {
		if (t->deadline && time_after(jiffies, t->deadline))
			return -ETIMEDOUT;
		ret = sock_recvmsg(t->sock, msg, flags | MSG_NOSIGNAL);
		if (ret > 0) {
			tdm_silence_heard(&t->silence, jiffies);
			if (!(flags & MSG_WAITALL))
				return 0;
		} else {
			if (ret == 0)
				return -ECONNRESET;
			if (ret != -EAGAIN && ret != -EINTR)
				return ret;
			if (kthread_should_stop() || tdm_tr_dead(t))
				return -EINTR;
			if (tdm_silence_waited(&t->silence, jiffies,
					       msecs_to_jiffies(TDM_TICK_MS)) > timeout)
				return -ETIMEDOUT;
		}
		if (t->idle && msg_data_left(msg) && time_after(jiffies, last_idle + timeout / 4)) {
			last_idle = jiffies;
			t->idle(t);
		}
	}
	return 0;
}

/*
 * Fill @msg's iterator: first with the bytes read ahead, then from the
 * socket. A short read takes all the socket has, up to TDM_RX_SIZE, so
 * that a burst of small packets (acks, 4 KiB writes) costs one socket
 * call, not three per packet; a long one goes straight into the iterator.
 */
int tdm_tr_recv_iter(struct tdm_transport *t, struct msghdr *msg)
{
	struct kvec iov = { .iov_base = t->rx, .iov_len = TDM_RX_SIZE };
	struct msghdr ahead = { .msg_flags = MSG_NOSIGNAL };
	size_t n;
	int ret;

	for (;;) {
		n = min_t(size_t, t->rx_tail - t->rx_head, msg_data_left(msg));
		if (n) {
			if (copy_to_iter(t->rx + t->rx_head, n, &msg->msg_iter) != n)
				return -EFAULT;
			t->rx_head += n;
		}
		if (!msg_data_left(msg))
			return 0;
		t->rx_head = t->rx_tail = 0;
		if (msg_data_left(msg) >= TDM_RX_SIZE)
			return tdm_tr_sock_recv(t, msg, MSG_WAITALL);
		iov_iter_kvec(&ahead.msg_iter, READ, &iov, 1, TDM_RX_SIZE);
		ret = tdm_tr_sock_recv(t, &ahead, 0);
		if (ret)
			return ret;
		t->rx_tail = TDM_RX_SIZE - msg_data_left(&ahead);
	}
}

int tdm_tr_recv(struct tdm_transport *t, void *buf, size_t len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_NOSIGNAL };

	iov_iter_kvec(&msg.msg_iter, READ, &iov, 1, len);
	return tdm_tr_recv_iter(t, &msg);
}
