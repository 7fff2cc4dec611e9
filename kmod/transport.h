/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: the transport layer, one TCP socket per session (transport.c).
 * It knows sockets, bytes and time, nothing of packets or of the device;
 * the replication layer above owns a struct tdm_transport per connection.
 */
#ifndef TDM_TRANSPORT_H
#define TDM_TRANSPORT_H

#include <linux/bvec.h>
#include <linux/net.h>
#include <linux/socket.h>

#include "core/silence.h"

struct bio;

/* The receiver reads small packets ahead, this much at most. */
#define TDM_RX_SIZE (32u << 10)

/*
 * One session's socket and its read-ahead buffer. Sends come from one
 * thread at a time (the handshake, then the sender); receives from the
 * connection thread only. @dead is written without a lock (WRITE_ONCE)
 * and read with READ_ONCE from any thread.
 */
struct tdm_transport {
	struct socket *sock;		/* the session's socket; NULL between sessions */
	u8 *rx;				/* TDM_RX_SIZE bytes read ahead from sock */
	unsigned int rx_head, rx_tail;	/* [head, tail) not yet taken; the receiver's own */
	struct tdm_silence silence;	/* the peer's, as the receiving thread saw it */
	bool dead;			/* the session is ending: stop sending and receiving */
	unsigned int timeout_ms;	/* silence that ends a receive; WRITE_ONCE by config */
	unsigned long deadline;		/* jiffies after which receives fail, 0: none;
					 * the receiving thread's own */
	/* Called every quarter of the timeout a receive spends, waiting or reading: send a ping. */
	void (*idle)(struct tdm_transport *t);
};

/* Allocate the read-ahead buffer; may sleep. */
int tdm_tr_init(struct tdm_transport *t);
/* Free it; the socket must be gone. */
void tdm_tr_exit(struct tdm_transport *t);

/* A TCP socket bound to @local (port 0 unless @listen), listening if @listen; may sleep. */
int tdm_tr_bind(const struct sockaddr_storage *local, int addrlen, bool listen,
		struct socket **res);
/* Connect from @local to @peer, waiting at most @timeout_ms; may sleep. */
int tdm_tr_connect(const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
		   int addrlen, unsigned int timeout_ms, struct socket **res);

/* Connections a listener holds while they have not sent their opening bytes. */
#define TDM_TR_CANDIDATES 8
/* The opening bytes a listener looks at, at most. */
#define TDM_TR_OPENING_MAX 256

/*
 * A listening socket, and the connections accepted on it that have not
 * sent their opening yet: several at once, so that connections that stay
 * silent (or trickle) cannot keep the peer's own waiting behind them. The
 * connection thread's own.
 */
struct tdm_listener {
	struct socket *sock;		/* NULL: not listening */
	unsigned int nr;
	struct {
		struct socket *sock;
		unsigned long since;	/* jiffies when accepted */
	} cand[TDM_TR_CANDIDATES];	/* oldest first */
};

/* Listen on @local; may sleep. Unlisten releases the socket and every candidate. */
int tdm_tr_listen(const struct sockaddr_storage *local, int addrlen, struct tdm_listener *l);
void tdm_tr_unlisten(struct tdm_listener *l);
/*
 * Accept the connection the peer opens, from @peer's IP address only. Every
 * connection waiting is accepted; the first whose opening is complete
 * (@opened says so of the bytes it sent so far, at most TDM_TR_OPENING_MAX)
 * is the one; one silent for @silent_ms is dropped, and when
 * TDM_TR_CANDIDATES wait, the oldest makes room for a new one. 0 with
 * *@res; -EAGAIN after a tick without one; -EACCES for a connection from
 * another address (@from set), -ENOTCONN for one gone already (the others
 * were looked at all the same). May sleep.
 */
int tdm_tr_accept(struct tdm_listener *l, const struct sockaddr_storage *peer,
		  unsigned int silent_ms, bool (*opened)(const void *buf, size_t len),
		  struct socket **res, struct sockaddr_storage *from);

/*
 * A session begins on @sock (the transport owns it) / ends: release it, on
 * the thread that receives, once no other thread uses it. May sleep.
 */
void tdm_tr_start(struct tdm_transport *t, struct socket *sock);
void tdm_tr_release(struct tdm_transport *t);
/*
 * Receives fail with -ETIMEDOUT from @ms from now on, however the peer
 * trickles its bytes (0: no deadline); the receiving thread.
 */
void tdm_tr_deadline(struct tdm_transport *t, unsigned int ms);
/* End the session from a thread of it: sends and receives fail from now on. */
void tdm_tr_abort(struct tdm_transport *t);

static inline bool tdm_tr_dead(struct tdm_transport *t)
{
	return READ_ONCE(t->dead);
}

/*
 * Sending, from the one thread that sends; may sleep. All of it or an
 * error: -ETIMEDOUT once the peer has taken nothing for TDM_SEND_STALL
 * timeouts (it talks but does not read, or its disk hangs: DRBD's ko-count).
 * @flags: MSG_MORE when more follows at once.
 */
#define TDM_SEND_STALL 6
int tdm_tr_send(struct tdm_transport *t, const void *buf, size_t len, int flags);
int tdm_tr_send_iter(struct tdm_transport *t, struct msghdr *msg);
/* Pages of @bio's payload copied into the socket. */
int tdm_tr_send_bio_copy(struct tdm_transport *t, struct bio *bio, int flags);
/* @nr pages, copied into the socket. */
int tdm_tr_send_bvecs(struct tdm_transport *t, struct bio_vec *pages, unsigned int nr,
		      size_t len, int flags);
/* A page sent without copying (it must not change until acked). */
int tdm_tr_send_page(struct tdm_transport *t, struct page *page, unsigned int off,
		     unsigned int len, int flags);

/*
 * Receiving, from the connection thread; may sleep. Fails with -ETIMEDOUT
 * after timeout_ms without a byte from the peer (time this node did not
 * run aside: core/silence.h), -ECONNRESET when it closed.
 */
int tdm_tr_recv(struct tdm_transport *t, void *buf, size_t len);
int tdm_tr_recv_iter(struct tdm_transport *t, struct msghdr *msg);

#endif /* TDM_TRANSPORT_H */
