/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: the device layer: /dev/tandemN, the registry of them and the
 * life of their requests (device.c), overlapping writes kept apart (inflight.c), roles (role.c).
 * Called by the control layer; calls replication, metadata and below.
 */
#ifndef TDM_DEVICE_H
#define TDM_DEVICE_H

#include "tandem.h"

/* device.c: the registry of resources. */
extern struct mutex tdm_devices_lock;	/* protects tdm_devices and the minors in use */
extern struct list_head tdm_devices;
/* tdm_devices_lock held. */
struct tdm_device *tdm_find_by_name(const char *name);
struct tdm_device *tdm_find_by_minor(u32 minor);

/* device.c: /dev/tandemN. Module init/exit; the rest under tdm_devices_lock, may sleep. */
int tdm_blkdev_init(void);
void tdm_blkdev_exit(void);
/* What attach gives a new resource besides its name and minor. */
struct tdm_attach_conf {
	const char *disk;		/* the backing (data) disk's path */
	const char *meta_disk;		/* the metadata disk's path; NULL: internal metadata */
	u64 former_sectors;		/* internal metadata of a disk that grew: the disk's
					 * size when it was written; 0: its size now */
	u32 on_io_error;		/* enum tandem_on_io_error */
	u32 disk_timeout_ms;		/* 0: off */
	const struct tdm_handler_paths *handlers;	/* NULL: none */
};
struct tdm_device *tdm_device_create(const char *name, u32 minor,
				     const struct tdm_attach_conf *conf,
				     struct netlink_ext_ack *extack);
int tdm_device_start_teardown(struct tdm_device *dev,
			      struct netlink_ext_ack *extack);
void tdm_device_destroy(struct tdm_device *dev);
/* Any context but hard irq. */
unsigned int tdm_device_open_count(struct tdm_device *dev);
void tdm_device_stats(struct tdm_device *dev, struct tdm_io_stats *sum);
/* Send @req down and to the peer now (no overlapping write in flight); process context. */
void tdm_dispatch_now(struct tdm_device *dev, struct tdm_req *req);

/* inflight.c: overlapping writes go down one at a time. Any context. */
void tdm_inflight_init(struct tdm_device *dev);
/* True if @req may go now; else it waits and is dispatched when it may. */
bool tdm_inflight_begin(struct tdm_device *dev, struct tdm_req *req);
void tdm_inflight_end(struct tdm_device *dev, struct tdm_req *req);

/* role.c: promote, demote, outdate. dev->cfg_lock held; may sleep. */
int tdm_promote(struct tdm_device *dev, bool force, struct netlink_ext_ack *extack);
int tdm_demote(struct tdm_device *dev, struct netlink_ext_ack *extack);
int tdm_outdate(struct tdm_device *dev, struct netlink_ext_ack *extack);

#endif /* TDM_DEVICE_H */
