/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tandem: replicated block device. Types shared by the module's files.
 *
 * Lock order (outer first):
 *   tdm_devices_lock  (main.c: the list of resources and their minors)
 *   disk->open_mutex  (block layer, held around tdm_open/tdm_release)
 *   tdm_device.open_lock
 * Nothing holds open_lock while calling into the block layer.
 */
#ifndef TDM_TANDEM_H
#define TDM_TANDEM_H

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/netlink.h>

#include "tandem_netlink.h"

#define TDM_LOG_PREFIX "tandem: "

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

/* One resource: /dev/tandemN stacked on a backing disk. */
struct tdm_device {
	char name[TANDEM_NAME_MAX];
	u32 minor;
	const char *disk_path;		/* as given at attach; for status */
	struct block_device *backing;	/* opened FMODE_EXCL, holder = this */
	struct gendisk *disk;
	struct bio_set bio_set;		/* clones sent to the backing disk */
	struct tdm_io_stats __percpu *stats;

	struct mutex open_lock;		/* protects open_count and dying */
	unsigned int open_count;	/* openers of /dev/tandemN */
	bool dying;			/* detach started: refuse new opens */

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

/* netlink.c: the generic netlink family. */
int tdm_genl_init(void);
void tdm_genl_exit(void);

#endif /* TDM_TANDEM_H */
