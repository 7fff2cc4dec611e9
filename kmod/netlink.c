// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the "tandem" generic netlink family. Every command has its own
 * strict policy: an attribute it does not list, a wrong type, length or range
 * is refused with an extack message before a handler runs.
 */
#include <net/genetlink.h>

#include "tandem.h"
#include "control.h"
#include "device.h"
#include "replication.h"
#include "metadata.h"
#include "core/names.h"

static struct genl_family tdm_genl_family;
static void tdm_event_send(struct tdm_device *dev, const char *name, u32 event);

static const struct nla_policy tdm_handler_policy[__TANDEM_HANDLER_MAX] = {
	[TANDEM_HANDLER_SPLIT_BRAIN ... TANDEM_HANDLER_PRI_LOST_AFTER_SB] = {
		.type = NLA_NUL_STRING, .len = TANDEM_HANDLER_MAX - 1 },
};

/* Not const: the 6.1 policy takes a plain pointer. */
static struct netlink_range_validation tdm_disk_timeout_range = {
	.max = TANDEM_DISK_TIMEOUT_MS_MAX,
};

static const struct nla_policy tdm_attach_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
	[TANDEM_A_MINOR]	= NLA_POLICY_MAX(NLA_U32, TANDEM_MINOR_MAX),
	[TANDEM_A_DISK]		= { .type = NLA_NUL_STRING, .len = TANDEM_PATH_MAX - 1 },
	[TANDEM_A_META_DISK]	= { .type = NLA_NUL_STRING, .len = TANDEM_PATH_MAX - 1 },
	[TANDEM_A_FORMER_SIZE]	= { .type = NLA_U64 },
	[TANDEM_A_ON_IO_ERROR]	= NLA_POLICY_RANGE(NLA_U32, TANDEM_ON_IO_ERROR_DETACH,
						   TANDEM_ON_IO_ERROR_PASS_ON),
	[TANDEM_A_DISK_TIMEOUT_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &tdm_disk_timeout_range),
	[TANDEM_A_HANDLERS]	= NLA_POLICY_NESTED(tdm_handler_policy),
};

static const struct nla_policy tdm_name_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
};

static const struct nla_policy tdm_verify_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
	[TANDEM_A_VERIFY_START]	= { .type = NLA_U64 },
	[TANDEM_A_VERIFY_LENGTH] = { .type = NLA_U64 },
};

static const struct nla_policy tdm_resize_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
	[TANDEM_A_RESIZE_SIZE]	= { .type = NLA_U64 },
	[TANDEM_A_ASSUME_CLEAN]	= { .type = NLA_FLAG },
};

static const struct nla_policy tdm_connect_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
	[TANDEM_A_LOCAL_ADDR]	= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[TANDEM_A_LOCAL_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[TANDEM_A_PEER_ADDR]	= { .type = NLA_BINARY, .len = sizeof(struct in6_addr) },
	[TANDEM_A_PEER_PORT]	= NLA_POLICY_MIN(NLA_U16, 1),
	[TANDEM_A_PROTOCOL]	= NLA_POLICY_RANGE(NLA_U32, TANDEM_PROTO_ASYNC, TANDEM_PROTO_SYNC),
	[TANDEM_A_SECRET]	= { .type = NLA_BINARY, .len = TANDEM_SECRET_MAX },
	[TANDEM_A_TIMEOUT_MS]	= NLA_POLICY_RANGE(NLA_U32, TANDEM_TIMEOUT_MS_MIN,
						   TANDEM_TIMEOUT_MS_MAX),
	[TANDEM_A_ASSUME_CLEAN]	= { .type = NLA_FLAG },
	[TANDEM_A_DISCARD_MY_DATA] = { .type = NLA_FLAG },
	[TANDEM_A_RESYNC_RATE]	= NLA_POLICY_RANGE(NLA_U32, TANDEM_RESYNC_RATE_MIN,
						   TANDEM_RESYNC_RATE_MAX),
	[TANDEM_A_CONGESTION_LIMIT] = NLA_POLICY_RANGE(NLA_U32, TANDEM_CONGESTION_MIB_MIN,
						       TANDEM_CONGESTION_MIB_MAX),
	[TANDEM_A_FENCING]	= NLA_POLICY_RANGE(NLA_U32, TANDEM_FENCING_NONE,
						   TANDEM_FENCING_RESOURCE_AND_STONITH),
	[TANDEM_A_FENCE_PEER]	= { .type = NLA_NUL_STRING, .len = TANDEM_HANDLER_MAX - 1 },
	[TANDEM_A_KO_COUNT]	= NLA_POLICY_RANGE(NLA_U32, TANDEM_KO_COUNT_MIN, TANDEM_KO_COUNT_MAX),
	[TANDEM_A_AFTER_SB_0PRI] = NLA_POLICY_RANGE(NLA_U32, TANDEM_SB0_DISCONNECT,
						    TANDEM_SB0_DISCARD_OLDER_PRIMARY),
	[TANDEM_A_AFTER_SB_1PRI] = NLA_POLICY_RANGE(NLA_U32, TANDEM_SB1_DISCONNECT,
						    TANDEM_SB1_CALL_PRI_LOST_AFTER_SB),
};

static const struct nla_policy tdm_options_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
	[TANDEM_A_TIMEOUT_MS]	= NLA_POLICY_RANGE(NLA_U32, TANDEM_TIMEOUT_MS_MIN,
						   TANDEM_TIMEOUT_MS_MAX),
	/* 0: back to no limit */
	[TANDEM_A_RESYNC_RATE]	= NLA_POLICY_MAX(NLA_U32, TANDEM_RESYNC_RATE_MAX),
	[TANDEM_A_CONGESTION_LIMIT] = NLA_POLICY_RANGE(NLA_U32, TANDEM_CONGESTION_MIB_MIN,
						       TANDEM_CONGESTION_MIB_MAX),
	/* 0: off */
	[TANDEM_A_KO_COUNT]	= NLA_POLICY_MAX(NLA_U32, TANDEM_KO_COUNT_MAX),
};

static const struct nla_policy tdm_primary_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
	[TANDEM_A_FORCE]	= { .type = NLA_FLAG },
};

/* A missing attribute: its type in the extack (GENL_REQ_ATTR_CHECK), and @msg. */
static int tdm_require(struct genl_info *info, int attr, const char *msg)
{
	if (!GENL_REQ_ATTR_CHECK(info, attr))
		return 0;
	tdm_extack_msg(info->extack, msg);
	return -EINVAL;
}

static int tdm_check_name(struct genl_info *info, const char **name)
{
	enum tdm_name_err err;

	*name = nla_data(info->attrs[TANDEM_A_RES_NAME]);
	err = tdm_name_check(*name);
	if (err == TDM_NAME_OK)
		return 0;
	tdm_extack_msg(info->extack, tdm_name_strerror(err));
	return -EINVAL;
}

/* The attach's handlers into @paths (zeroed): absolute paths only. */
static int tdm_nl_handlers(struct genl_info *info, struct tdm_handler_paths *paths)
{
	struct nlattr *tb[__TANDEM_HANDLER_MAX];
	u32 i;
	int ret;

	if (!info->attrs[TANDEM_A_HANDLERS])
		return 0;
	ret = nla_parse_nested(tb, __TANDEM_HANDLER_MAX - 1, info->attrs[TANDEM_A_HANDLERS],
			       tdm_handler_policy, info->extack);
	if (ret)
		return ret;
	for (i = 1; i < __TANDEM_HANDLER_MAX; i++) {
		if (!tb[i])
			continue;
		if (((const char *)nla_data(tb[i]))[0] != '/') {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i], "a handler must be an absolute path");
			return -EINVAL;
		}
		nla_strscpy(paths->path[i], tb[i], sizeof(paths->path[i]));
	}
	return 0;
}

/* Bumped each time a command releases a device's cfg_lock; waiters sleep on tdm_cfg_wq. */
static atomic_t tdm_cfg_released = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(tdm_cfg_wq);

/*
 * Take the cfg_lock of resource @name: 0 with it held (*@devp), -ENOENT, or
 * -EINTR. tdm_devices_lock is held only to find the device and try its
 * lock, never while waiting for it: a command may wait for its disk or its
 * peer (up to the timeout), and status, events, the other resources'
 * commands (and those queued behind it on the same one) do not wait with
 * it (a health check that waits is read as a failed one). A detach
 * meanwhile unlinks the device, then waits for its cfg_lock
 * (tdm_device_destroy) before freeing it.
 */
static int tdm_lock_by_name(const char *name, struct tdm_device **devp)
{
	struct tdm_device *dev;
	int seen, ret;

	for (;;) {
		seen = atomic_read(&tdm_cfg_released);
		mutex_lock(&tdm_devices_lock);
		dev = tdm_find_by_name(name);
		ret = !dev ? -ENOENT : mutex_trylock(&dev->cfg_lock) ? 0 : -EAGAIN;
		mutex_unlock(&tdm_devices_lock);
		if (ret != -EAGAIN)
			break;
		if (wait_event_interruptible(tdm_cfg_wq, atomic_read(&tdm_cfg_released) != seen))
			return -EINTR;
	}
	*devp = dev;
	return ret;
}

/* Release what tdm_lock_by_name() took; @dev may be freed from then on. */
static void tdm_nl_unlock_dev(struct tdm_device *dev)
{
	mutex_unlock(&dev->cfg_lock);
	atomic_inc(&tdm_cfg_released);
	wake_up_all(&tdm_cfg_wq);
}

/* The resource a request names, its cfg_lock held (tdm_lock_by_name()), or an error. */
static int tdm_nl_lock_dev(struct genl_info *info, struct tdm_device **devp)
{
	const char *name;
	int ret;

	ret = tdm_require(info, TANDEM_A_RES_NAME, "missing resource name") ?:
	      tdm_check_name(info, &name) ?:
	      tdm_lock_by_name(name, devp);
	if (ret == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such resource");
	return ret;
}

/*
 * Attach on an existing resource @name: the disk a detach dropped comes
 * back (tdm_md_reattach; tdm_devices_lock too, for status reads its path);
 * the peer hears of it, and resyncs it in a new session.
 */
static int tdm_reattach(const char *name, u32 minor, const struct tdm_attach_conf *conf,
			struct genl_info *info)
{
	struct tdm_device *dev;
	int ret;

	ret = tdm_lock_by_name(name, &dev);
	if (ret) {
		if (ret == -ENOENT)
			NL_SET_ERR_MSG(info->extack, "the resource was detached meanwhile: attach again");
		return ret;
	}
	if (minor != dev->minor) {
		NL_SET_ERR_MSG(info->extack, "resource already exists, with another minor");
		ret = -EEXIST;
	} else if (info->attrs[TANDEM_A_ON_IO_ERROR] &&
		   nla_get_u32(info->attrs[TANDEM_A_ON_IO_ERROR]) != dev->on_io_error) {
		NL_SET_ERR_MSG(info->extack, "on-io-error is set at the first attach; detach to change it");
		ret = -EINVAL;
	} else if (info->attrs[TANDEM_A_DISK_TIMEOUT_MS] &&
		   conf->disk_timeout_ms != READ_ONCE(dev->dw.timeout_ms)) {
		NL_SET_ERR_MSG(info->extack, "disk-timeout is set at the first attach; detach to change it");
		ret = -EINVAL;
	} else if (info->attrs[TANDEM_A_HANDLERS] &&
		   memcmp(conf->handlers, &dev->handlers.paths, sizeof(*conf->handlers))) {
		NL_SET_ERR_MSG(info->extack, "handlers are set at the first attach; detach to change them");
		ret = -EINVAL;
	} else {
		mutex_lock(&tdm_devices_lock);
		ret = tdm_md_reattach(dev, conf->disk, conf->meta_disk, info->extack);
		mutex_unlock(&tdm_devices_lock);
		if (!ret)
			tdm_peer_tell_state(dev);
	}
	tdm_nl_unlock_dev(dev);
	return ret;
}

static int tdm_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct tdm_attach_conf conf = { .on_io_error = TANDEM_ON_IO_ERROR_DETACH };
	struct tdm_handler_paths *handlers;
	struct tdm_device *dev;
	const char *name;
	u32 minor;
	int ret;

	ret = tdm_require(info, TANDEM_A_RES_NAME, "missing resource name") ?:
	      tdm_require(info, TANDEM_A_MINOR, "missing minor") ?:
	      tdm_require(info, TANDEM_A_DISK, "missing backing disk") ?:
	      tdm_check_name(info, &name);
	if (ret)
		return ret;
	minor = nla_get_u32(info->attrs[TANDEM_A_MINOR]);
	conf.disk = nla_data(info->attrs[TANDEM_A_DISK]);
	if (!conf.disk[0]) {
		NL_SET_ERR_MSG(info->extack, "backing disk path is empty");
		return -EINVAL;
	}
	if (info->attrs[TANDEM_A_META_DISK]) {
		conf.meta_disk = nla_data(info->attrs[TANDEM_A_META_DISK]);
		if (!conf.meta_disk[0]) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TANDEM_A_META_DISK],
					    "metadata disk path is empty");
			return -EINVAL;
		}
	}

	if (info->attrs[TANDEM_A_FORMER_SIZE]) {
		conf.former_sectors = nla_get_u64(info->attrs[TANDEM_A_FORMER_SIZE]);
		if (!conf.former_sectors || conf.former_sectors % TDM_MD_BLOCK) {
			NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TANDEM_A_FORMER_SIZE],
					    "the former size is a multiple of 4 KiB, not 0");
			return -EINVAL;
		}
		conf.former_sectors >>= SECTOR_SHIFT;
	}
	if (info->attrs[TANDEM_A_ON_IO_ERROR])
		conf.on_io_error = nla_get_u32(info->attrs[TANDEM_A_ON_IO_ERROR]);
	if (info->attrs[TANDEM_A_DISK_TIMEOUT_MS])
		conf.disk_timeout_ms = nla_get_u32(info->attrs[TANDEM_A_DISK_TIMEOUT_MS]);
	if (conf.disk_timeout_ms && conf.disk_timeout_ms < TANDEM_DISK_TIMEOUT_MS_MIN) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[TANDEM_A_DISK_TIMEOUT_MS],
				    "disk-timeout is 0 (off) or at least 1000 ms");
		return -EINVAL;
	}
	handlers = kzalloc(sizeof(*handlers), GFP_KERNEL);
	if (!handlers)
		return -ENOMEM;
	ret = tdm_nl_handlers(info, handlers);
	if (ret)
		goto out_free;
	conf.handlers = handlers;

	mutex_lock(&tdm_devices_lock);
	if (tdm_find_by_name(name)) {
		mutex_unlock(&tdm_devices_lock);
		ret = tdm_reattach(name, minor, &conf, info);
		goto out_free;
	}
	if (tdm_find_by_minor(minor)) {
		NL_SET_ERR_MSG(info->extack, "minor is already used by another resource");
		ret = -EEXIST;
		goto out_unlock;
	}
	dev = tdm_device_create(name, minor, &conf, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out_unlock;
	}
	list_add_tail(&dev->node, &tdm_devices);
	tdm_event(dev, TANDEM_EVENT_ATTACH);
out_unlock:
	mutex_unlock(&tdm_devices_lock);
out_free:
	kfree(handlers);
	return ret;
}

static int tdm_nl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct tdm_device *dev;
	const char *name;
	int ret;

	ret = tdm_require(info, TANDEM_A_RES_NAME, "missing resource name") ?:
	      tdm_check_name(info, &name);
	if (ret)
		return ret;

	mutex_lock(&tdm_devices_lock);
	dev = tdm_find_by_name(name);
	if (!dev) {
		NL_SET_ERR_MSG(info->extack, "no such resource");
		mutex_unlock(&tdm_devices_lock);
		return -ENOENT;
	}
	if (tdm_dw_late(dev)) {
		NL_SET_ERR_MSG(info->extack,
			       "the local disk still holds requests given up on after the disk-timeout: detach once it returned them (status: late requests), or restart the node");
		mutex_unlock(&tdm_devices_lock);
		return -EBUSY;
	}
	ret = tdm_device_start_teardown(dev, info->extack);
	if (!ret)
		list_del_init(&dev->node);
	mutex_unlock(&tdm_devices_lock);
	if (ret)
		return ret;
	tdm_device_destroy(dev);
	mutex_lock(&tdm_devices_lock);
	tdm_event_send(NULL, name, TANDEM_EVENT_DETACH);
	mutex_unlock(&tdm_devices_lock);
	return 0;
}

static int tdm_nl_addr(struct genl_info *info, int a_addr, int a_port,
		       struct sockaddr_storage *ss)
{
	const struct nlattr *a = info->attrs[a_addr];
	u16 port = nla_get_u16(info->attrs[a_port]);

	memset(ss, 0, sizeof(*ss));
	if (nla_len(a) == sizeof(struct in_addr)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, nla_data(a), sizeof(sin->sin_addr));
		return sizeof(*sin);
	}
	if (nla_len(a) == sizeof(struct in6_addr)) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		memcpy(&sin6->sin6_addr, nla_data(a), sizeof(sin6->sin6_addr));
		return sizeof(*sin6);
	}
	NL_SET_ERR_MSG_ATTR(info->extack, a, "an address is 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

/* The fencing policy and its handler: both, or neither. */
static int tdm_nl_fencing(struct genl_info *info, struct tdm_conn_cfg *cfg)
{
	const struct nlattr *path = info->attrs[TANDEM_A_FENCE_PEER];

	cfg->fencing = info->attrs[TANDEM_A_FENCING] ?
		       nla_get_u32(info->attrs[TANDEM_A_FENCING]) : TANDEM_FENCING_NONE;
	if (cfg->fencing == TANDEM_FENCING_NONE) {
		if (!path)
			return 0;
		NL_SET_ERR_MSG_ATTR(info->extack, path, "a fence-peer handler needs a fencing policy");
		return -EINVAL;
	}
	if (!path) {
		NL_SET_ERR_MSG(info->extack, "fencing needs a fence-peer handler");
		return -EINVAL;
	}
	if (((const char *)nla_data(path))[0] != '/') {
		NL_SET_ERR_MSG_ATTR(info->extack, path, "the fence-peer handler must be an absolute path");
		return -EINVAL;
	}
	nla_strscpy(cfg->fence_peer, path, sizeof(cfg->fence_peer));
	return 0;
}

static int tdm_nl_connect(struct sk_buff *skb, struct genl_info *info)
{
	struct tdm_device *dev;
	struct tdm_conn *conn;
	int ret, len, cmp;

	ret = tdm_require(info, TANDEM_A_LOCAL_ADDR, "missing local address") ?:
	      tdm_require(info, TANDEM_A_LOCAL_PORT, "missing local port") ?:
	      tdm_require(info, TANDEM_A_PEER_ADDR, "missing peer address") ?:
	      tdm_require(info, TANDEM_A_PEER_PORT, "missing peer port");
	if (ret)
		return ret;
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		return -ENOMEM;
	len = tdm_nl_addr(info, TANDEM_A_LOCAL_ADDR, TANDEM_A_LOCAL_PORT, &conn->cfg.local);
	ret = len < 0 ? len : tdm_nl_addr(info, TANDEM_A_PEER_ADDR, TANDEM_A_PEER_PORT, &conn->cfg.peer);
	if (ret < 0)
		goto err_free;
	if (len != ret) {
		NL_SET_ERR_MSG(info->extack, "local and peer addresses must both be IPv4 or both IPv6");
		ret = -EINVAL;
		goto err_free;
	}
	conn->cfg.addrlen = len;
	cmp = memcmp(&conn->cfg.local, &conn->cfg.peer, len);
	if (!cmp) {
		NL_SET_ERR_MSG(info->extack, "local and peer addresses are the same");
		ret = -EINVAL;
		goto err_free;
	}
	conn->cfg.acceptor = cmp > 0;
	conn->cfg.protocol = info->attrs[TANDEM_A_PROTOCOL] ?
			 nla_get_u32(info->attrs[TANDEM_A_PROTOCOL]) : TANDEM_PROTO_SYNC;
	conn->tr.timeout_ms = info->attrs[TANDEM_A_TIMEOUT_MS] ?
			   nla_get_u32(info->attrs[TANDEM_A_TIMEOUT_MS]) : TANDEM_DEFAULT_TIMEOUT_MS;
	conn->cfg.assume_clean = nla_get_flag(info->attrs[TANDEM_A_ASSUME_CLEAN]);
	conn->cfg.discard_mine = nla_get_flag(info->attrs[TANDEM_A_DISCARD_MY_DATA]);
	if (info->attrs[TANDEM_A_RESYNC_RATE])
		conn->cfg.rs_rate = nla_get_u32(info->attrs[TANDEM_A_RESYNC_RATE]);
	conn->cfg.congestion_limit = (u64)(info->attrs[TANDEM_A_CONGESTION_LIMIT] ?
		nla_get_u32(info->attrs[TANDEM_A_CONGESTION_LIMIT]) : TANDEM_DEFAULT_CONGESTION_MIB) << 20;
	if (info->attrs[TANDEM_A_KO_COUNT])
		conn->cfg.ko_count = nla_get_u32(info->attrs[TANDEM_A_KO_COUNT]);
	conn->cfg.after_sb_0pri = info->attrs[TANDEM_A_AFTER_SB_0PRI] ?
		nla_get_u32(info->attrs[TANDEM_A_AFTER_SB_0PRI]) : TANDEM_SB0_DISCONNECT;
	conn->cfg.after_sb_1pri = info->attrs[TANDEM_A_AFTER_SB_1PRI] ?
		nla_get_u32(info->attrs[TANDEM_A_AFTER_SB_1PRI]) : TANDEM_SB1_DISCONNECT;
	ret = tdm_nl_fencing(info, &conn->cfg);
	if (ret)
		goto err_free;
	if (info->attrs[TANDEM_A_SECRET]) {
		conn->cfg.secret_len = nla_len(info->attrs[TANDEM_A_SECRET]);
		if (!conn->cfg.secret_len) {
			NL_SET_ERR_MSG(info->extack, "the shared secret is empty");
			ret = -EINVAL;
			goto err_free;
		}
		memcpy(conn->cfg.secret, nla_data(info->attrs[TANDEM_A_SECRET]), conn->cfg.secret_len);
	}

	ret = tdm_nl_lock_dev(info, &dev);
	if (ret)
		goto err_free;
	if (rcu_access_pointer(dev->conn)) {
		NL_SET_ERR_MSG(info->extack, "resource is already connected; disconnect it first");
		ret = -EBUSY;
	} else if (conn->cfg.assume_clean && READ_ONCE(dev->gen.cur)) {
		tdm_extack_msg(info->extack, tdm_refuse_str(TDM_REFUSE_ASSUME_CLEAN));
		ret = -EINVAL;
	} else if (conn->cfg.discard_mine && dev->role == TANDEM_ROLE_PRIMARY) {
		NL_SET_ERR_MSG(info->extack, "a primary cannot discard its data: make it secondary first");
		ret = -EBUSY;
	} else {
		ret = tdm_conn_start(dev, conn, info->extack);
	}
	tdm_nl_unlock_dev(dev);
	if (ret)
		goto err_free;
	return 0;

err_free:
	kfree_sensitive(conn);
	return ret;
}

static int tdm_nl_disconnect(struct sk_buff *skb, struct genl_info *info)
{
	struct tdm_device *dev;
	int ret;

	ret = tdm_nl_lock_dev(info, &dev);
	if (ret)
		return ret;
	if (!rcu_access_pointer(dev->conn)) {
		NL_SET_ERR_MSG(info->extack, "resource is not connected");
		ret = -ENOTCONN;
	} else {
		tdm_conn_stop(dev);
	}
	tdm_nl_unlock_dev(dev);
	return ret;
}

static int tdm_nl_primary(struct sk_buff *skb, struct genl_info *info)
{
	struct tdm_device *dev;
	int ret;

	ret = tdm_nl_lock_dev(info, &dev);
	if (ret)
		return ret;
	ret = tdm_promote(dev, nla_get_flag(info->attrs[TANDEM_A_FORCE]), info->extack);
	tdm_nl_unlock_dev(dev);
	return ret;
}

/* A command that is one call on the named resource, under its cfg_lock. */
static int tdm_nl_dev_op(struct genl_info *info,
			 int (*op)(struct tdm_device *dev, struct netlink_ext_ack *extack))
{
	struct tdm_device *dev;
	int ret;

	ret = tdm_nl_lock_dev(info, &dev);
	if (ret)
		return ret;
	ret = op(dev, info->extack);
	tdm_nl_unlock_dev(dev);
	return ret;
}

static int tdm_nl_secondary(struct sk_buff *skb, struct genl_info *info)
{
	return tdm_nl_dev_op(info, tdm_demote);
}

static int tdm_nl_outdate(struct sk_buff *skb, struct genl_info *info)
{
	return tdm_nl_dev_op(info, tdm_outdate);
}

static int tdm_nl_verify(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a_start = info->attrs[TANDEM_A_VERIFY_START];
	struct nlattr *a_len = info->attrs[TANDEM_A_VERIFY_LENGTH];
	u64 start = a_start ? nla_get_u64(a_start) : 0;
	u64 len = a_len ? nla_get_u64(a_len) : U64_MAX;
	struct tdm_device *dev;
	int ret;

	if ((start | (a_len ? len : 0)) & (TDM_MD_BYTES_PER_BIT - 1) || !len) {
		NL_SET_ERR_MSG_ATTR(info->extack, start % TDM_MD_BYTES_PER_BIT ? a_start : a_len,
				    "verify's start and length are multiples of 4 KiB, the length not 0");
		return -EINVAL;
	}
	ret = tdm_nl_lock_dev(info, &dev);
	if (ret)
		return ret;
	ret = tdm_verify_start(dev, start >> SECTOR_SHIFT, len >> SECTOR_SHIFT, info->extack);
	tdm_nl_unlock_dev(dev);
	return ret;
}

static int tdm_nl_resume_io(struct sk_buff *skb, struct genl_info *info)
{
	return tdm_nl_dev_op(info, tdm_fence_resume);
}

static int tdm_nl_invalidate(struct sk_buff *skb, struct genl_info *info)
{
	return tdm_nl_dev_op(info, tdm_invalidate);
}

static int tdm_nl_invalidate_remote(struct sk_buff *skb, struct genl_info *info)
{
	return tdm_nl_dev_op(info, tdm_invalidate_remote);
}

static int tdm_nl_resize(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a_size = info->attrs[TANDEM_A_RESIZE_SIZE];
	u64 size = a_size ? nla_get_u64(a_size) : 0;
	struct tdm_device *dev;
	int ret;

	if (a_size && (!size || size % TDM_MD_BLOCK || size > (U64_MAX >> 1))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a_size, "the size is a multiple of 4 KiB, not 0");
		return -EINVAL;
	}
	ret = tdm_nl_lock_dev(info, &dev);
	if (ret)
		return ret;
	ret = tdm_resize(dev, size >> SECTOR_SHIFT, nla_get_flag(info->attrs[TANDEM_A_ASSUME_CLEAN]),
			 info->extack);
	tdm_nl_unlock_dev(dev);
	return ret;
}

/* Change a connection's options in place; the others need a new connect. */
static int tdm_nl_net_options(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct tdm_device *dev;
	struct tdm_conn *conn;
	int ret;

	ret = tdm_nl_lock_dev(info, &dev);
	if (ret)
		return ret;
	conn = rcu_dereference_protected(dev->conn, lockdep_is_held(&dev->cfg_lock));
	if (!conn) {
		NL_SET_ERR_MSG(info->extack, "not connected: options are given with connect");
		ret = -ENOTCONN;
		goto out;
	}
	spin_lock_irq(&conn->lock);
	if (a[TANDEM_A_TIMEOUT_MS])
		WRITE_ONCE(conn->tr.timeout_ms, nla_get_u32(a[TANDEM_A_TIMEOUT_MS]));
	if (a[TANDEM_A_RESYNC_RATE])
		WRITE_ONCE(conn->cfg.rs_rate, nla_get_u32(a[TANDEM_A_RESYNC_RATE]));
	if (a[TANDEM_A_CONGESTION_LIMIT])
		WRITE_ONCE(conn->cfg.congestion_limit,
			   (u64)nla_get_u32(a[TANDEM_A_CONGESTION_LIMIT]) << 20);
	if (a[TANDEM_A_KO_COUNT])
		WRITE_ONCE(conn->cfg.ko_count, nla_get_u32(a[TANDEM_A_KO_COUNT]));
	spin_unlock_irq(&conn->lock);
	tdm_info(dev, "options: timeout %u ms, resync rate %u MiB/s, congestion limit %llu MiB, ko-count %u\n",
		conn->tr.timeout_ms, conn->cfg.rs_rate, conn->cfg.congestion_limit >> 20,
		conn->cfg.ko_count);
out:
	tdm_nl_unlock_dev(dev);
	return ret;
}

static int tdm_put_addr(struct sk_buff *skb, int a_addr, int a_port,
			const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		return nla_put(skb, a_addr, sizeof(sin->sin_addr), &sin->sin_addr) ?:
		       nla_put_u16(skb, a_port, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		return nla_put(skb, a_addr, sizeof(sin6->sin6_addr), &sin6->sin6_addr) ?:
		       nla_put_u16(skb, a_port, ntohs(sin6->sin6_port));
	}
}

/* The connection's part of a status message; tdm_devices_lock held. */
static int tdm_put_conn(struct sk_buff *skb, struct tdm_device *dev, u64 *net)
{
	struct tdm_conn *conn;
	u32 cstate, peer_role = 0, peer_disk = 0, protocol = 0, sync = TANDEM_SYNC_STATE_NONE;
	u64 rs_total = 0, rs_done = 0, vf[3], congestion;
	u32 rs_rate, timeout_ms, fencing, ko_count;
	unsigned long rs_start = 0, down_since;
	bool vf_running;
	const char *err = NULL;
	bool auth = false, peer_said = false;
	int ret = 0;

	if (nla_put_u64_64bit(skb, TANDEM_A_OUT_OF_SYNC, tdm_bm_count(dev) << TDM_BM_SHIFT,
			      TANDEM_A_PAD))
		return -EMSGSIZE;
	rcu_read_lock();
	conn = rcu_dereference(dev->conn);
	if (!conn) {
		rcu_read_unlock();
		return nla_put_u32(skb, TANDEM_A_CONN_STATE, TANDEM_CONN_STANDALONE);
	}
	spin_lock_irq(&conn->lock);
	cstate = conn->cstate;
	protocol = conn->cfg.protocol;
	congestion = conn->cfg.congestion_limit;
	fencing = conn->cfg.fencing;
	down_since = conn->down_since;
	rs_rate = conn->cfg.rs_rate;
	ko_count = conn->cfg.ko_count;
	timeout_ms = conn->tr.timeout_ms;
	if (cstate == TANDEM_CONN_CONNECTED) {
		peer_role = conn->peer_role;
		auth = conn->authenticated;
		if (conn->pri.ahead)
			sync = TANDEM_SYNC_STATE_AHEAD;
		else if (tdm_sync_is_source(conn->sync))
			sync = TANDEM_SYNC_STATE_SOURCE;
		else if (tdm_sync_is_target(conn->sync))
			sync = TANDEM_SYNC_STATE_TARGET;
		rs_total = conn->rs.total;
		rs_done = conn->rs.done;
		rs_start = conn->rs.start;
	}
	peer_disk = conn->peer_disk;
	vf_running = conn->vf.running;
	vf[0] = conn->vf.total;
	vf[1] = conn->vf.done;
	vf[2] = conn->vf.diff;
	err = conn->last_error;
	peer_said = conn->peer_said;
	net[0] = conn->pri.pending;
	net[1] = conn->stats.sent - conn->stats.acked;
	net[2] = conn->stats.sent;
	net[3] = conn->stats.sent_bytes;
	net[4] = conn->stats.received;
	net[5] = conn->stats.received_bytes;
	spin_unlock_irq(&conn->lock);
	if (nla_put_u32(skb, TANDEM_A_CONN_STATE, cstate) ||
	    nla_put_u32(skb, TANDEM_A_PROTOCOL, protocol) ||
	    tdm_put_addr(skb, TANDEM_A_LOCAL_ADDR, TANDEM_A_LOCAL_PORT, &conn->cfg.local) ||
	    tdm_put_addr(skb, TANDEM_A_PEER_ADDR, TANDEM_A_PEER_PORT, &conn->cfg.peer) ||
	    (rs_rate && nla_put_u32(skb, TANDEM_A_RESYNC_RATE, rs_rate)) ||
	    nla_put_u32(skb, TANDEM_A_TIMEOUT_MS, timeout_ms) ||
	    (ko_count && nla_put_u32(skb, TANDEM_A_KO_COUNT, ko_count)) ||
	    (conn->cfg.after_sb_0pri != TANDEM_SB0_DISCONNECT &&
	     nla_put_u32(skb, TANDEM_A_AFTER_SB_0PRI, conn->cfg.after_sb_0pri)) ||
	    (conn->cfg.after_sb_1pri != TANDEM_SB1_DISCONNECT &&
	     nla_put_u32(skb, TANDEM_A_AFTER_SB_1PRI, conn->cfg.after_sb_1pri)) ||
	    (fencing != TANDEM_FENCING_NONE &&
	     (nla_put_u32(skb, TANDEM_A_FENCING, fencing) ||
	      nla_put_string(skb, TANDEM_A_FENCE_PEER, conn->cfg.fence_peer))) ||
	    (protocol == TANDEM_PROTO_ASYNC &&
	     nla_put_u32(skb, TANDEM_A_CONGESTION_LIMIT, congestion >> 20)) ||
	    (cstate != TANDEM_CONN_CONNECTED &&
	     nla_put_u64_64bit(skb, TANDEM_A_DOWN_MS, jiffies_to_msecs(jiffies - down_since),
			       TANDEM_A_PAD)) ||
	    (peer_role && nla_put_u32(skb, TANDEM_A_PEER_ROLE, peer_role)) ||
	    (peer_disk && nla_put_u32(skb, TANDEM_A_PEER_DISK_STATE, peer_disk)) ||
	    (cstate == TANDEM_CONN_CONNECTED &&
	     (nla_put_u8(skb, TANDEM_A_AUTHENTICATED, auth) ||
	      nla_put_u32(skb, TANDEM_A_SYNC_STATE, sync))) ||
	    ((sync == TANDEM_SYNC_STATE_SOURCE || sync == TANDEM_SYNC_STATE_TARGET) &&
	     (nla_put_u64_64bit(skb, TANDEM_A_SYNC_TOTAL, rs_total, TANDEM_A_PAD) ||
	      nla_put_u64_64bit(skb, TANDEM_A_SYNC_DONE, rs_done, TANDEM_A_PAD) ||
	      nla_put_u32(skb, TANDEM_A_SYNC_ELAPSED_MS,
			  jiffies_to_msecs(jiffies - rs_start)))) ||
	    (vf[0] &&
	     (nla_put_u8(skb, TANDEM_A_VERIFY_RUNNING, vf_running) ||
	      nla_put_u64_64bit(skb, TANDEM_A_VERIFY_TOTAL, vf[0], TANDEM_A_PAD) ||
	      nla_put_u64_64bit(skb, TANDEM_A_VERIFY_DONE, vf[1], TANDEM_A_PAD) ||
	      nla_put_u64_64bit(skb, TANDEM_A_VERIFY_DIFF, vf[2], TANDEM_A_PAD))))
		ret = -EMSGSIZE;
	if (!ret && err && cstate != TANDEM_CONN_CONNECTED) {
		char buf[160];

		snprintf(buf, sizeof(buf), "%s%s", peer_said ? "the peer says: " : "", err);
		ret = nla_put_string(skb, TANDEM_A_LAST_ERROR, buf);
	}
	rcu_read_unlock();
	return ret;
}

/* The handlers configured, if any. */
static int tdm_put_handlers(struct sk_buff *skb, struct tdm_device *dev)
{
	const struct tdm_handler_paths *p = &dev->handlers.paths;
	struct nlattr *nest = NULL;
	u32 i;

	for (i = 1; i < __TANDEM_HANDLER_MAX; i++) {
		if (!p->path[i][0])
			continue;
		if (!nest)
			nest = nla_nest_start(skb, TANDEM_A_HANDLERS);
		if (!nest || nla_put_string(skb, i, p->path[i]))
			return -EMSGSIZE;
	}
	if (nest)
		nla_nest_end(skb, nest);
	return 0;
}

static int tdm_put_stats(struct sk_buff *skb, struct tdm_device *dev)
{
	struct tdm_io_stats s;
	struct nlattr *nest;
	u64 net[6] = { 0 };
	u32 fence_result, handler_last;
	int handler_exit;
	bool frozen;

	if (tdm_put_conn(skb, dev, net))
		return -EMSGSIZE;
	tdm_fence_status(dev, &frozen, &fence_result);
	tdm_handler_status(dev, &handler_last, &handler_exit);
	if (nla_put_u8(skb, TANDEM_A_IO_FROZEN, frozen) ||
	    (fence_result && nla_put_u32(skb, TANDEM_A_FENCE_RESULT, fence_result)) ||
	    (handler_last && (nla_put_u32(skb, TANDEM_A_HANDLER_LAST, handler_last) ||
			      nla_put_s32(skb, TANDEM_A_HANDLER_EXIT, handler_exit))) ||
	    tdm_put_handlers(skb, dev))
		return -EMSGSIZE;
	tdm_device_stats(dev, &s);
	nest = nla_nest_start(skb, TANDEM_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, TANDEM_STAT_READS, s.reads, TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_READ_BYTES, s.read_bytes, TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_WRITES, s.writes, TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_WRITE_BYTES, s.write_bytes, TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_FLUSHES, s.flushes, TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_DISCARDS, s.discards, TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_ERRORS, s.errors, TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_NET_PENDING, net[0], TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_NET_UNACKED, net[1], TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_NET_SENT, net[2], TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_NET_SENT_BYTES, net[3], TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_NET_RECEIVED, net[4], TANDEM_STAT_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_STAT_NET_RECEIVED_BYTES, net[5], TANDEM_STAT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One message describing @dev: a STATUS reply, or an @event; tdm_devices_lock held. */
static int tdm_fill_status(struct sk_buff *skb, struct tdm_device *dev,
			   u32 portid, u32 seq, int flags, u32 event)
{
	unsigned int late = tdm_dw_late(dev);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &tdm_genl_family, flags,
			  event ? TANDEM_CMD_EVENT : TANDEM_CMD_STATUS);
	if (!hdr)
		return -EMSGSIZE;
	if ((event && nla_put_u32(skb, TANDEM_A_EVENT, event)) ||
	    nla_put_string(skb, TANDEM_A_RES_NAME, dev->name) ||
	    nla_put_u32(skb, TANDEM_A_MINOR, dev->minor) ||
	    nla_put_string(skb, TANDEM_A_DISK, dev->disk_path) ||
	    (dev->meta_path && nla_put_string(skb, TANDEM_A_META_DISK, dev->meta_path)) ||
	    nla_put_u64_64bit(skb, TANDEM_A_SIZE,
			      (u64)get_capacity(dev->disk) << SECTOR_SHIFT,
			      TANDEM_A_PAD) ||
	    nla_put_u64_64bit(skb, TANDEM_A_MAX_SIZE,
			      (u64)dev->md.layout.data_sectors << SECTOR_SHIFT, TANDEM_A_PAD) ||
	    nla_put_u32(skb, TANDEM_A_OPEN_COUNT, tdm_device_open_count(dev)) ||
	    nla_put_u32(skb, TANDEM_A_ROLE, READ_ONCE(dev->role)) ||
	    nla_put_u32(skb, TANDEM_A_DISK_STATE, tdm_disk_state(dev)) ||
	    nla_put_u32(skb, TANDEM_A_ON_IO_ERROR, dev->on_io_error) ||
	    (READ_ONCE(dev->dw.timeout_ms) &&
	     nla_put_u32(skb, TANDEM_A_DISK_TIMEOUT_MS, READ_ONCE(dev->dw.timeout_ms))) ||
	    (late && nla_put_u32(skb, TANDEM_A_DISK_LATE, late)) ||
	    nla_put_u64_64bit(skb, TANDEM_A_DISK_ERRORS, atomic64_read(&dev->disk_errors),
			      TANDEM_A_PAD) ||
	    (atomic64_read(&dev->first_disk_error) &&
	     nla_put_u64_64bit(skb, TANDEM_A_FIRST_DISK_ERROR,
			       atomic64_read(&dev->first_disk_error), TANDEM_A_PAD)) ||
	    tdm_put_stats(skb, dev)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int tdm_nl_status(struct sk_buff *skb, struct genl_info *info)
{
	struct tdm_device *dev;
	struct sk_buff *reply;
	const char *name;
	int ret;

	ret = tdm_require(info, TANDEM_A_RES_NAME, "missing resource name") ?:
	      tdm_check_name(info, &name);
	if (ret)
		return ret;
	reply = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;

	mutex_lock(&tdm_devices_lock);
	dev = tdm_find_by_name(name);
	if (dev) {
		ret = tdm_fill_status(reply, dev, info->snd_portid, info->snd_seq, 0, 0);
	} else {
		NL_SET_ERR_MSG(info->extack, "no such resource");
		ret = -ENOENT;
	}
	mutex_unlock(&tdm_devices_lock);
	if (ret) {
		nlmsg_free(reply);
		return ret;
	}
	return genlmsg_reply(reply, info);
}

/* Dump every resource; cb->args[0] counts those already sent. */
static int tdm_nl_status_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tdm_device *dev;
	long idx = 0;

	mutex_lock(&tdm_devices_lock);
	list_for_each_entry(dev, &tdm_devices, node) {
		if (idx++ < cb->args[0])
			continue;
		if (tdm_fill_status(skb, dev, NETLINK_CB(cb->skb).portid,
				    cb->nlh->nlmsg_seq, NLM_F_MULTI, 0))
			break;
		cb->args[0] = idx;
	}
	mutex_unlock(&tdm_devices_lock);
	return skb->len;
}

static const struct genl_ops tdm_genl_ops[] = {
	{
		.cmd	= TANDEM_CMD_ATTACH,
		.doit	= tdm_nl_attach,
		.policy	= tdm_attach_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_DETACH,
		.doit	= tdm_nl_detach,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_STATUS,
		.doit	= tdm_nl_status,
		.dumpit	= tdm_nl_status_dump,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		/* Disk paths, peer addresses and errors are not for any local user. */
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_CONNECT,
		.doit	= tdm_nl_connect,
		.policy	= tdm_connect_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_DISCONNECT,
		.doit	= tdm_nl_disconnect,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_PRIMARY,
		.doit	= tdm_nl_primary,
		.policy	= tdm_primary_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_SECONDARY,
		.doit	= tdm_nl_secondary,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_VERIFY,
		.doit	= tdm_nl_verify,
		.policy	= tdm_verify_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_NET_OPTIONS,
		.doit	= tdm_nl_net_options,
		.policy	= tdm_options_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_OUTDATE,
		.doit	= tdm_nl_outdate,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_RESUME_IO,
		.doit	= tdm_nl_resume_io,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_INVALIDATE,
		.doit	= tdm_nl_invalidate,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_INVALIDATE_REMOTE,
		.doit	= tdm_nl_invalidate_remote,
		.policy	= tdm_name_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
	{
		.cmd	= TANDEM_CMD_RESIZE,
		.doit	= tdm_nl_resize,
		.policy	= tdm_resize_policy,
		.maxattr = TANDEM_A_MAX,
		.flags	= GENL_ADMIN_PERM,
	},
};

static const struct genl_multicast_group tdm_genl_mcgrps[] = {
	/* As status: CAP_NET_ADMIN to listen. */
	{ .name = TANDEM_GENL_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_NET_ADMIN },
};

/*
 * Every command needs CAP_NET_ADMIN (GENL_ADMIN_PERM); each but status
 * changes what a block device holds or who may write it (the module opens
 * the disk, not the caller; a connection may overwrite it with the peer's
 * data; invalidate discards it), so it needs CAP_SYS_ADMIN too: who may
 * open any block device, as the sender and the socket's opener.
 */
static int tdm_nl_pre_doit(const struct genl_ops *ops, struct sk_buff *skb,
			   struct genl_info *info)
{
	if (ops->cmd == TANDEM_CMD_STATUS || netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	NL_SET_ERR_MSG(info->extack,
		       "changing a resource needs CAP_SYS_ADMIN (status and events: CAP_NET_ADMIN)");
	return -EPERM;
}

static struct genl_family tdm_genl_family __ro_after_init = {
	.name		= TANDEM_GENL_NAME,
	.version	= TANDEM_GENL_VERSION,
	.maxattr	= TANDEM_A_MAX,
	.module		= THIS_MODULE,
	.ops		= tdm_genl_ops,
	.n_ops		= ARRAY_SIZE(tdm_genl_ops),
	.pre_doit	= tdm_nl_pre_doit,
	.mcgrps		= tdm_genl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(tdm_genl_mcgrps),
	.resv_start_op	= TANDEM_CMD_VERIFY + 1,
	.netnsok	= false,
	/*
	 * Not under genl_mutex: a primary waiting for its peer would hold up
	 * every generic netlink user of the machine. tdm_devices_lock and
	 * each device's cfg_lock serialize what needs it.
	 */
	.parallel_ops	= true,
};

/* Events go out while the family is registered; under tdm_devices_lock. */
static bool tdm_events_on;

/* Multicast one event message; tdm_devices_lock held. */
static void tdm_event_send(struct tdm_device *dev, const char *name, u32 event)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	lockdep_assert_held(&tdm_devices_lock);
	if (!tdm_events_on || !genl_has_listeners(&tdm_genl_family, &init_net, 0))
		return;
	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (dev) {
		ret = tdm_fill_status(skb, dev, 0, 0, 0, event);
	} else {
		hdr = genlmsg_put(skb, 0, 0, &tdm_genl_family, 0, TANDEM_CMD_EVENT);
		ret = !hdr || nla_put_u32(skb, TANDEM_A_EVENT, event) ||
		      nla_put_string(skb, TANDEM_A_RES_NAME, name) ? -EMSGSIZE : 0;
		if (!ret)
			genlmsg_end(skb, hdr);
	}
	if (ret) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&tdm_genl_family, skb, 0, 0, GFP_KERNEL);
}

/* The event sink (events.c): multicast each of @events on @dev. */
static void tdm_nl_event_sink(struct tdm_device *dev, unsigned long events)
{
	unsigned int ev;

	mutex_lock(&tdm_devices_lock);
	for_each_set_bit(ev, &events, __TANDEM_EVENT_MAX)
		tdm_event_send(dev, NULL, ev);
	mutex_unlock(&tdm_devices_lock);
}

int tdm_genl_init(void)
{
	int ret = genl_register_family(&tdm_genl_family);

	mutex_lock(&tdm_devices_lock);
	tdm_events_on = !ret;
	mutex_unlock(&tdm_devices_lock);
	if (!ret)
		tdm_events_set_sink(tdm_nl_event_sink);
	return ret;
}

void tdm_genl_exit(void)
{
	tdm_events_set_sink(NULL);
	mutex_lock(&tdm_devices_lock);
	tdm_events_on = false;
	mutex_unlock(&tdm_devices_lock);
	genl_unregister_family(&tdm_genl_family);
}
