// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: the "tandem" generic netlink family. Every command has its own
 * strict policy: an attribute it does not list, a wrong type, length or range
 * is refused with an extack message before a handler runs.
 */
#include <net/genetlink.h>

#include "tandem.h"
#include "core/names.h"

static struct genl_family tdm_genl_family;

static const struct nla_policy tdm_attach_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
	[TANDEM_A_MINOR]	= NLA_POLICY_MAX(NLA_U32, TANDEM_MINOR_MAX),
	[TANDEM_A_DISK]		= { .type = NLA_NUL_STRING, .len = TANDEM_PATH_MAX - 1 },
};

static const struct nla_policy tdm_name_policy[TANDEM_A_MAX + 1] = {
	[TANDEM_A_RES_NAME]	= { .type = NLA_NUL_STRING, .len = TANDEM_NAME_MAX - 1 },
};

static int tdm_require(struct genl_info *info, int attr, const char *msg)
{
	if (info->attrs[attr])
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

static int tdm_nl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct tdm_device *dev;
	const char *name, *path;
	u32 minor;
	int ret;

	ret = tdm_require(info, TANDEM_A_RES_NAME, "missing resource name") ?:
	      tdm_require(info, TANDEM_A_MINOR, "missing minor") ?:
	      tdm_require(info, TANDEM_A_DISK, "missing backing disk") ?:
	      tdm_check_name(info, &name);
	if (ret)
		return ret;
	minor = nla_get_u32(info->attrs[TANDEM_A_MINOR]);
	path = nla_data(info->attrs[TANDEM_A_DISK]);
	if (!path[0]) {
		NL_SET_ERR_MSG(info->extack, "backing disk path is empty");
		return -EINVAL;
	}

	mutex_lock(&tdm_devices_lock);
	if (tdm_find_by_name(name)) {
		NL_SET_ERR_MSG(info->extack, "resource already exists");
		ret = -EEXIST;
		goto out_unlock;
	}
	if (tdm_find_by_minor(minor)) {
		NL_SET_ERR_MSG(info->extack, "minor is already used by another resource");
		ret = -EEXIST;
		goto out_unlock;
	}
	dev = tdm_device_create(name, minor, path, info->extack);
	if (IS_ERR(dev)) {
		ret = PTR_ERR(dev);
		goto out_unlock;
	}
	list_add_tail(&dev->node, &tdm_devices);
out_unlock:
	mutex_unlock(&tdm_devices_lock);
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
	ret = tdm_device_start_teardown(dev, info->extack);
	if (!ret)
		list_del_init(&dev->node);
	mutex_unlock(&tdm_devices_lock);
	if (!ret)
		tdm_device_destroy(dev);
	return ret;
}

static int tdm_put_stats(struct sk_buff *skb, struct tdm_device *dev)
{
	struct tdm_io_stats s;
	struct nlattr *nest;

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
	    nla_put_u64_64bit(skb, TANDEM_STAT_ERRORS, s.errors, TANDEM_STAT_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One TANDEM_CMD_STATUS message describing @dev; tdm_devices_lock held. */
static int tdm_fill_status(struct sk_buff *skb, struct tdm_device *dev,
			   u32 portid, u32 seq, int flags)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &tdm_genl_family, flags,
			  TANDEM_CMD_STATUS);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, TANDEM_A_RES_NAME, dev->name) ||
	    nla_put_u32(skb, TANDEM_A_MINOR, dev->minor) ||
	    nla_put_string(skb, TANDEM_A_DISK, dev->disk_path) ||
	    nla_put_u64_64bit(skb, TANDEM_A_SIZE,
			      (u64)get_capacity(dev->disk) << SECTOR_SHIFT,
			      TANDEM_A_PAD) ||
	    nla_put_u32(skb, TANDEM_A_OPEN_COUNT, tdm_device_open_count(dev)) ||
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
		ret = tdm_fill_status(reply, dev, info->snd_portid, info->snd_seq, 0);
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
				    cb->nlh->nlmsg_seq, NLM_F_MULTI))
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
	},
};

static struct genl_family tdm_genl_family __ro_after_init = {
	.name		= TANDEM_GENL_NAME,
	.version	= TANDEM_GENL_VERSION,
	.maxattr	= TANDEM_A_MAX,
	.module		= THIS_MODULE,
	.ops		= tdm_genl_ops,
	.n_ops		= ARRAY_SIZE(tdm_genl_ops),
	.resv_start_op	= TANDEM_CMD_STATUS + 1,
	.netnsok	= false,
};

int tdm_genl_init(void)
{
	return genl_register_family(&tdm_genl_family);
}

void tdm_genl_exit(void)
{
	genl_unregister_family(&tdm_genl_family);
}
