// SPDX-License-Identifier: GPL-2.0
/*
 * tandem: /dev/tandemN, a bio-based device stacked on a backing disk, and
 * the registry of them.
 * Every bio is cloned (from a per-device bio_set, so no allocation can fail)
 * and sent to the backing disk; the clone's completion completes the
 * original with the backing disk's status.
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "tandem.h"
#include "device.h"
#include "replication.h"
#include "metadata.h"

/* Protects tdm_devices and every device's membership in it. */
DEFINE_MUTEX(tdm_devices_lock);
LIST_HEAD(tdm_devices);

struct tdm_device *tdm_find_by_name(const char *name)
{
	struct tdm_device *dev;

	lockdep_assert_held(&tdm_devices_lock);
	list_for_each_entry(dev, &tdm_devices, node)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

struct tdm_device *tdm_find_by_minor(u32 minor)
{
	struct tdm_device *dev;

	lockdep_assert_held(&tdm_devices_lock);
	list_for_each_entry(dev, &tdm_devices, node)
		if (dev->minor == minor)
			return dev;
	return NULL;
}

static int tdm_major;

static void tdm_count(struct tdm_device *dev, struct bio *bio)
{
	struct tdm_io_stats __percpu *s = dev->stats;

	if (bio->bi_opf & REQ_PREFLUSH)
		this_cpu_inc(s->flushes);
	switch (bio_op(bio)) {
	case REQ_OP_READ:
		this_cpu_inc(s->reads);
		this_cpu_add(s->read_bytes, bio->bi_iter.bi_size);
		break;
	case REQ_OP_WRITE:
		if (!bio->bi_iter.bi_size)
			break;
		this_cpu_inc(s->writes);
		this_cpu_add(s->write_bytes, bio->bi_iter.bi_size);
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		this_cpu_inc(s->discards);
		break;
	default:
		break;
	}
}

/* Send @req's clone down, and its write to the peer, once no overlapping write is in flight. */
static void tdm_dispatch(struct tdm_device *dev, struct tdm_req *req)
{
	if (tdm_inflight_begin(dev, req))
		tdm_dispatch_now(dev, req);
}

/* dev->req_done: @req's last part finished; complete the upper layer's bio. */
static void tdm_req_done(struct tdm_req *req)
{
	struct tdm_device *dev = req->dev;
	struct bio *orig = req->orig;

	/* Fencing holds writes until the peer is fenced (fence.c calls back). */
	if (tdm_fence_hold(dev, req))
		return;
	/* A diskless node's failed local write that the peer has is done. */
	if (req->status && req->rescue && req->peer_ok)
		req->status = BLK_STS_OK;
	if (req->status) {
		this_cpu_inc(dev->stats->errors);
		orig->bi_status = req->status;
	}
	if (op_is_write(bio_op(orig)) && !test_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags))
		set_bit(TDM_DEV_EPOCH_CLOSED, &dev->flags);
	if (req->al_held)
		tdm_al_put(dev, orig->bi_iter.bi_sector, bio_sectors(orig));
	tdm_inflight_end(dev, req);
	bio_end_io_acct(orig, req->start);
	bio_put(&req->clone);
	bio_endio(orig);
}

static void tdm_clone_endio(struct bio *clone)
{
	struct tdm_req *req = container_of(clone, struct tdm_req, clone);
	struct bio *orig = req->orig;

	req->status = clone->bi_status;
	/*
	 * The local disk failed (a refused op is no failure): the disk is
	 * failed from now on, and a failed write is marked, for the resync
	 * that will rewrite it from the peer. Under pass-on the error goes to
	 * the application. Diskless now (detach), the peer serves a failed
	 * read, and a failed write succeeds if the peer has it.
	 */
	if (req->status && req->status != BLK_STS_NOTSUPP) {
		if (tdm_md_disk_error(req->dev, op_is_write(bio_op(clone)) ? "write" : "read",
				      orig->bi_iter.bi_sector, req->status == BLK_STS_TIMEOUT))
			tdm_peer_tell_state(req->dev);
		if (op_is_write(bio_op(clone)) && bio_sectors(orig))
			tdm_bm_set(req->dev, orig->bi_iter.bi_sector, bio_sectors(orig));
		if (test_bit(TDM_DEV_DISKLESS, &req->dev->flags)) {
			if (!op_is_write(bio_op(clone))) {
				req->status = BLK_STS_OK;
				req->remote = true;
				tdm_remote_submit(req->dev, req);
				return;
			}
			tdm_remote_rescue(req->dev, req);
		}
	}
	if (op_is_write(bio_op(clone)))
		tdm_resync_write_done(req->dev, req->orig);
	tdm_req_put(req);
}

static void tdm_submit_bio(struct bio *bio)
{
	struct tdm_device *dev = bio->bi_bdev->bd_disk->private_data;
	struct bio *clone;
	struct tdm_req *req;

	/* Writes larger than one DATA packet are split here. */
	bio = bio_split_to_limits(bio);
	if (!bio)
		return;
	/*
	 * A discard or zero-out issued just before the peer's handshake took
	 * it away (tdm_limit_to_peer) is neither split nor sent: the caller
	 * falls back (blkdev_issue_zeroout writes zero pages).
	 */
	if ((bio_op(bio) == REQ_OP_DISCARD && !bdev_max_discard_sectors(bio->bi_bdev)) ||
	    (bio_op(bio) == REQ_OP_WRITE_ZEROES && !bdev_write_zeroes_sectors(bio->bi_bdev))) {
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
		return;
	}
	/* Only a primary writes; a secondary cannot be opened for writing. */
	if (op_is_write(bio_op(bio)) && READ_ONCE(dev->role) != TANDEM_ROLE_PRIMARY) {
		this_cpu_inc(dev->stats->errors);
		bio_io_error(bio);
		return;
	}

	clone = bio_alloc_clone(dev->backing, bio, GFP_NOIO, &dev->bio_set);
	req = container_of(clone, struct tdm_req, clone);
	req->dev = dev;
	req->orig = bio;
	req->status = BLK_STS_OK;
	req->al_held = false;
	req->seq = 0;
	/* Diskless: the peer serves it (replication.c); the clone is not sent. */
	req->remote = test_bit(TDM_DEV_DISKLESS, &dev->flags);
	req->rescue = false;
	req->peer_ok = false;
	req->queued_self = false;
	RB_CLEAR_NODE(&req->rb);
	atomic_set(&req->parts, 1);
	req->start = bio_start_io_acct(bio);
	clone->bi_end_io = tdm_clone_endio;
	tdm_count(dev, bio);
	/*
	 * A write waits for its extents in the activity log (actlog.c); a
	 * diskless node has none.
	 */
	if (!req->remote && op_is_write(bio_op(bio)) && bio_sectors(bio) && !tdm_al_begin(dev, req))
		return;
	tdm_dispatch(dev, req);
}


void tdm_dispatch_now(struct tdm_device *dev, struct tdm_req *req)
{
	struct bio *bio = req->orig, *clone = &req->clone;

	if (req->remote) {
		tdm_remote_submit(dev, req);
		return;
	}
	/* A write the peer does not get is marked for the next resync (tdm_replicate). */
	if (op_is_write(bio_op(bio)) && !tdm_replicate(dev, req) && bio_sectors(bio) &&
	    tdm_defer_for_new_gen(dev, clone))
		return;
	tdm_dw_submit(dev, clone);
}

static int tdm_open(struct block_device *bdev, fmode_t mode)
{
	struct tdm_device *dev = bdev->bd_disk->private_data;
	int ret = 0;

	mutex_lock(&dev->open_lock);
	if (dev->dying) {
		ret = -ENXIO;
	} else if (dev->role != TANDEM_ROLE_PRIMARY) {
		/*
		 * A secondary's content changes under any opener (as DRBD does):
		 * writers get EROFS, readers EMEDIUMTYPE, so that mount does
		 * not fall back to a read-only mount of a moving image.
		 */
		ret = (mode & FMODE_WRITE) ? -EROFS : -EMEDIUMTYPE;
	} else {
		dev->open_count++;
	}
	mutex_unlock(&dev->open_lock);
	return ret;
}

static void tdm_release(struct gendisk *disk, fmode_t mode)
{
	struct tdm_device *dev = disk->private_data;

	mutex_lock(&dev->open_lock);
	dev->open_count--;
	mutex_unlock(&dev->open_lock);
}

static const struct block_device_operations tdm_fops = {
	.owner		= THIS_MODULE,
	.submit_bio	= tdm_submit_bio,
	.open		= tdm_open,
	.release	= tdm_release,
};

unsigned int tdm_device_open_count(struct tdm_device *dev)
{
	unsigned int n;

	mutex_lock(&dev->open_lock);
	n = dev->open_count;
	mutex_unlock(&dev->open_lock);
	return n;
}

void tdm_device_stats(struct tdm_device *dev, struct tdm_io_stats *sum)
{
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct tdm_io_stats *s = per_cpu_ptr(dev->stats, cpu);

		sum->reads += s->reads;
		sum->read_bytes += s->read_bytes;
		sum->writes += s->writes;
		sum->write_bytes += s->write_bytes;
		sum->flushes += s->flushes;
		sum->discards += s->discards;
		sum->errors += s->errors;
	}
}

/* Why a disk could not be opened, for the backing disk [0] and the metadata disk [1]. */
static const char *const tdm_open_errors[][5] = {
	{ "backing disk does not exist", "backing disk is not a block device",
	  "backing disk is in use (mounted, held by another driver, or attached to another resource)",
	  "backing disk cannot be opened for writing", "cannot open backing disk" },
	{ "metadata disk does not exist", "metadata disk is not a block device",
	  "metadata disk is in use (mounted, held by another driver, or attached to another resource)",
	  "metadata disk cannot be opened for writing", "cannot open metadata disk" },
};

static struct block_device *tdm_open_backing(struct tdm_device *dev, const char *path, bool meta,
					     struct netlink_ext_ack *extack)
{
	const char *const *why = tdm_open_errors[meta];
	struct block_device *bdev;

	bdev = blkdev_get_by_path(path, FMODE_READ | FMODE_WRITE | FMODE_EXCL,
				  dev);
	if (!IS_ERR(bdev))
		return bdev;
	switch (PTR_ERR(bdev)) {
	case -ENOENT:
		tdm_extack_msg(extack, why[0]);
		break;
	case -ENOTBLK:
		tdm_extack_msg(extack, why[1]);
		break;
	case -EBUSY:
		tdm_extack_msg(extack, why[2]);
		break;
	case -EACCES:
	case -EROFS:
		tdm_extack_msg(extack, why[3]);
		break;
	default:
		tdm_extack_msg(extack, why[4]);
		break;
	}
	return bdev;
}

/*
 * External metadata: open its disk, as the backing disk is (the same holder
 * may open a disk twice: the same disk is refused here).
 */
static int tdm_open_meta(struct tdm_device *dev, const char *path, struct netlink_ext_ack *extack)
{
	int ret;

	dev->meta_path = kstrdup(path, GFP_KERNEL);
	if (!dev->meta_path)
		return -ENOMEM;
	dev->meta = tdm_open_backing(dev, path, true, extack);
	if (IS_ERR(dev->meta)) {
		ret = PTR_ERR(dev->meta);
		goto err_free_path;
	}
	if (dev->meta->bd_dev == dev->backing->bd_dev) {
		NL_SET_ERR_MSG(extack,
			       "the metadata disk is the backing disk: leave it out for internal metadata");
		ret = -EINVAL;
		goto err_put;
	}
	return 0;

err_put:
	blkdev_put(dev->meta, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
err_free_path:
	kfree(dev->meta_path);
	dev->meta_path = NULL;
	return ret;
}

static void tdm_close_meta(struct tdm_device *dev)
{
	if (!dev->meta_path)
		return;
	blkdev_put(dev->meta, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
	kfree(dev->meta_path);
}

/* Take the backing disk's limits, so that upper layers size I/O for it. */
static void tdm_set_limits(struct tdm_device *dev)
{
	struct request_queue *q = dev->disk->queue;
	struct request_queue *bq = bdev_get_queue(dev->backing);

	blk_set_stacking_limits(&q->limits);
	blk_stack_limits(&q->limits, &bq->limits, get_start_sect(dev->backing));
	/* Flush and FUA are always passed down; the backing disk drops them if moot. */
	blk_queue_write_cache(q, true, true);
	if (blk_queue_nonrot(bq))
		blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	/* One write must fit one DATA packet; a discard, its 32-bit size. */
	blk_queue_max_hw_sectors(q, min(queue_max_hw_sectors(q),
					TDM_WIRE_MAX_DATA >> SECTOR_SHIFT));
	blk_queue_max_discard_sectors(q, min(q->limits.max_discard_sectors,
					     TDM_MAX_DISCARD_SECTORS));
	blk_queue_max_write_zeroes_sectors(q, min(q->limits.max_write_zeroes_sectors,
						  TDM_MAX_DISCARD_SECTORS));
	set_capacity(dev->disk, dev->md.size_sectors);
}

/* Called with tdm_devices_lock held; the name and minor were checked free. */
struct tdm_device *tdm_device_create(const char *name, u32 minor,
				     const struct tdm_attach_conf *conf,
				     struct netlink_ext_ack *extack)
{
	struct tdm_device *dev;
	struct gendisk *disk;
	int ret;

	lockdep_assert_held(&tdm_devices_lock);

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	strscpy(dev->name, name, sizeof(dev->name));
	dev->minor = minor;
	mutex_init(&dev->open_lock);
	mutex_init(&dev->cfg_lock);
	spin_lock_init(&dev->state_lock);
	bio_list_init(&dev->deferred);
	INIT_WORK(&dev->gen_work, tdm_gen_work);
	INIT_WORK(&dev->disk_fail_work, tdm_md_disk_fail_work);
	INIT_WORK(&dev->event_work, tdm_event_work);
	tdm_fence_init(dev);
	tdm_handler_init(dev);
	if (conf->handlers)
		dev->handlers.paths = *conf->handlers;
	dev->al.ready = tdm_dispatch;
	dev->req_done = tdm_req_done;
	dev->tell_peer = tdm_peer_tell_state;
	tdm_inflight_init(dev);
	INIT_LIST_HEAD(&dev->node);
	dev->role = TANDEM_ROLE_SECONDARY;
	dev->disk_state = TANDEM_DISK_INCONSISTENT;
	dev->on_io_error = conf->on_io_error;

	ret = -ENOMEM;
	dev->disk_path = kstrdup(conf->disk, GFP_KERNEL);
	if (!dev->disk_path)
		goto err_free_dev;
	dev->stats = alloc_percpu(struct tdm_io_stats);
	if (!dev->stats)
		goto err_free_path;
	ret = bioset_init(&dev->bio_set, BIO_POOL_SIZE,
			  offsetof(struct tdm_req, clone), 0);
	if (ret)
		goto err_free_stats;
	ret = bioset_init(&dev->peer_bio_set, BIO_POOL_SIZE,
			  offsetof(struct tdm_peer_req, bio), BIOSET_NEED_BVECS);
	if (ret)
		goto err_exit_bioset;
	ret = tdm_pages_init(&dev->pages);
	if (ret)
		goto err_exit_peer_bioset;
	ret = tdm_dw_init(dev, conf->disk_timeout_ms);
	if (ret)
		goto err_exit_pages;

	dev->backing = tdm_open_backing(dev, conf->disk, false, extack);
	if (IS_ERR(dev->backing)) {
		ret = PTR_ERR(dev->backing);
		goto err_exit_dw;
	}
	dev->meta = dev->backing;
	if (conf->meta_disk) {
		ret = tdm_open_meta(dev, conf->meta_disk, extack);
		if (ret)
			goto err_put_backing;
	}
	ret = tdm_md_attach(dev, conf->former_sectors, extack);
	if (ret)
		goto err_close_meta;

	ret = -ENOMEM;
	disk = blk_alloc_disk(NUMA_NO_NODE);
	if (!disk)
		goto err_md_detach;
	dev->disk = disk;
	disk->major = tdm_major;
	disk->first_minor = minor;
	disk->minors = 1;
	disk->flags |= GENHD_FL_NO_PART;
	disk->fops = &tdm_fops;
	disk->private_data = dev;
	snprintf(disk->disk_name, sizeof(disk->disk_name), "tandem%u", minor);
	tdm_set_limits(dev);

	ret = add_disk(disk);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot register the block device");
		goto err_put_disk;
	}
	ret = bd_link_disk_holder(dev->backing, disk);
	if (ret) {
		NL_SET_ERR_MSG(extack, "cannot link the backing disk as held");
		goto err_del_disk;
	}
	if (dev->meta_path) {
		ret = bd_link_disk_holder(dev->meta, disk);
		if (ret) {
			NL_SET_ERR_MSG(extack, "cannot link the metadata disk as held");
			goto err_unlink;
		}
	}
	/* From here on the watch is on: attach's own I/O waits as long as it takes. */
	tdm_dw_start(dev, conf->disk_timeout_ms);
	tdm_info(dev, "attached %s as %s, %llu sectors, metadata %s%s\n", conf->disk,
		 disk->disk_name, get_capacity(disk), dev->meta_path ? "on " : "internal",
		 dev->meta_path ?: "");
	return dev;

err_unlink:
	bd_unlink_disk_holder(dev->backing, disk);
err_del_disk:
	del_gendisk(disk);
err_put_disk:
	put_disk(disk);
	dev->disk = NULL;
err_md_detach:
	tdm_md_detach(dev);
err_close_meta:
	tdm_close_meta(dev);
err_put_backing:
	blkdev_put(dev->backing, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
err_exit_dw:
	tdm_dw_exit(dev);
err_exit_pages:
	tdm_pages_exit(&dev->pages);
err_exit_peer_bioset:
	bioset_exit(&dev->peer_bio_set);
err_exit_bioset:
	bioset_exit(&dev->bio_set);
err_free_stats:
	free_percpu(dev->stats);
err_free_path:
	kfree(dev->disk_path);
err_free_dev:
	kfree(dev);
	return ERR_PTR(ret);
}

/*
 * First half of detach, under tdm_devices_lock: refuse if /dev/tandemN is
 * open, else make further opens fail. Once it returns 0 the caller unlinks
 * the device and calls tdm_device_destroy() without the lock.
 */
int tdm_device_start_teardown(struct tdm_device *dev,
			      struct netlink_ext_ack *extack)
{
	int ret = 0;

	lockdep_assert_held(&tdm_devices_lock);
	mutex_lock(&dev->open_lock);
	if (dev->open_count) {
		NL_SET_ERR_MSG(extack, "device is open (mounted or in use); close it first");
		ret = -EBUSY;
	} else {
		dev->dying = true;
	}
	mutex_unlock(&dev->open_lock);
	return ret;
}

/*
 * Second half of detach. No I/O can be in flight: the device has no opener,
 * and an opener's last close waits for its I/O (a pending AIO holds the file).
 */
void tdm_device_destroy(struct tdm_device *dev)
{
	/* First: the session's end below must not start a handler, nor wait for one. */
	tdm_fence_stop(dev);
	tdm_handler_stop(dev);
	mutex_lock(&dev->cfg_lock);
	tdm_conn_stop(dev);
	mutex_unlock(&dev->cfg_lock);
	flush_work(&dev->gen_work);
	flush_work(&dev->inflight_work);
	flush_work(&dev->disk_fail_work);
	/* Nothing reports events any more: the connection is gone. */
	cancel_work_sync(&dev->event_work);
	tdm_info(dev, "detached %s\n", dev->disk->disk_name);
	if (dev->meta_path)
		bd_unlink_disk_holder(dev->meta, dev->disk);
	bd_unlink_disk_holder(dev->backing, dev->disk);
	del_gendisk(dev->disk);
	put_disk(dev->disk);
	/* Metadata errors from here on fail no disk: its work is flushed (md.c). */
	dev->disk = NULL;
	tdm_md_detach(dev);
	/* Requests given up on are still the disk's: wait before letting it go. */
	tdm_dw_exit(dev);
	tdm_close_meta(dev);
	blkdev_put(dev->backing, FMODE_READ | FMODE_WRITE | FMODE_EXCL);
	tdm_pages_exit(&dev->pages);
	bioset_exit(&dev->peer_bio_set);
	bioset_exit(&dev->bio_set);
	free_percpu(dev->stats);
	kfree(dev->disk_path);
	kfree(dev);
}

int tdm_blkdev_init(void)
{
	tdm_major = register_blkdev(0, "tandem");
	return tdm_major < 0 ? tdm_major : 0;
}

void tdm_blkdev_exit(void)
{
	unregister_blkdev(tdm_major, "tandem");
}
