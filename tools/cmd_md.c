// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: create-md and dump-md, the metadata at the end of a backing
 * disk, or on a metadata disk of its own (external; format:
 * kmod/core/ondisk.h, doc/metadata.md). Both work on the disks directly,
 * without the module; dump-md also while the disk is attached.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/fs.h>
#include <blkid/blkid.h>

#include "resfile.h"
#include "tandemctl.h"
#include "output.h"
#include "core/ondisk.h"
#include "core/names.h"

struct md_disk {
	const char *path;
	int fd;
	uint64_t sectors;
	uint8_t *block;		/* one aligned TDM_MD_BLOCK buffer, for O_DIRECT */
};

/* Open @path as a disk to read metadata from; failures said for @cmd (NULL: quiet). */
static int md_open(struct md_disk *d, const char *path, int flags, const char *cmd)
{
	uint64_t bytes;

	d->path = path;
	d->block = NULL;
	d->fd = open(path, flags | O_DIRECT | O_CLOEXEC);
	if (d->fd < 0 && !cmd)
		return TDM_EXIT_FAIL;
	if (d->fd < 0) {
		if (errno == EBUSY)
			fprintf(stderr, "tandemctl %s: %s is in use (mounted, attached, or held by another driver)\n",
				cmd, path);
		else
			fprintf(stderr, "tandemctl %s: %s: %s\n", cmd, path, strerror(errno));
		return errno == ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	}
	if (ioctl(d->fd, BLKGETSIZE64, &bytes)) {
		if (cmd)
			fprintf(stderr, "tandemctl %s: %s is not a block device\n", cmd, path);
		close(d->fd);
		return TDM_EXIT_FAIL;
	}
	d->sectors = bytes / 512;
	if (posix_memalign((void **)&d->block, TDM_MD_BLOCK, TDM_MD_BLOCK)) {
		close(d->fd);
		return TDM_EXIT_FAIL;
	}
	return TDM_EXIT_OK;
}

static void md_close(struct md_disk *d)
{
	free(d->block);
	close(d->fd);
}

static int md_pread(struct md_disk *d, uint64_t sector)
{
	return pread(d->fd, d->block, TDM_MD_BLOCK, (off_t)sector * 512) == TDM_MD_BLOCK ? 0 : -1;
}

static int md_pwrite(struct md_disk *d, uint64_t sector)
{
	ssize_t done = pwrite(d->fd, d->block, TDM_MD_BLOCK, (off_t)sector * 512);

	if (done == TDM_MD_BLOCK)
		return 0;
	if (done >= 0)
		errno = EIO;
	return -1;
}

/*
 * What is on the disk already: a filesystem, RAID member, LVM PV, swap, a
 * partition table (libblkid), or tandem metadata. Empty string: nothing.
 */
static void md_probe(struct md_disk *d, char *found, size_t len)
{
	const char *type = NULL, *label = NULL;
	blkid_probe pr;

	found[0] = '\0';
	/* Its own buffered descriptor: libblkid's reads do not suit O_DIRECT. */
	pr = blkid_new_probe_from_filename(d->path);
	if (pr) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
						  BLKID_SUBLKS_USAGE);
		blkid_probe_enable_partitions(pr, 1);
		if (!blkid_do_safeprobe(pr)) {
			if (!blkid_probe_lookup_value(pr, "TYPE", &type, NULL)) {
				blkid_probe_lookup_value(pr, "LABEL", &label, NULL);
				snprintf(found, len, "%s signature%s%s%s", type, label ? " (label " : "",
					 label ? label : "", label ? ")" : "");
			} else if (!blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL)) {
				snprintf(found, len, "a %s partition table", type);
			}
		}
	}
	if (pr)
		blkid_free_probe(pr);
	if (found[0])
		return;
	if (d->sectors >= TDM_MD_BLOCK / 512 && !md_pread(d, tdm_md_sb_sector(d->sectors)) &&
	    !memcmp(d->block, TDM_MD_MAGIC, 8))
		snprintf(found, len, "tandem metadata");
}

/* @path's first line, trailing blanks cut, into @buf: its length, 0 if none. */
static size_t md_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	size_t n = 0;

	if (!f)
		return 0;
	if (fgets(buf, (int)len, f))
		n = strcspn(buf, "\n");
	fclose(f);
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		n--;
	buf[n] = '\0';
	return n;
}

/*
 * What names disk @path for good, whatever path it is opened by: its dm
 * UUID, WWID or serial (sysfs), or its partition's UUID (libblkid); "kind:
 * value" in @id, or "" if it has none of them.
 */
static void md_disk_id(const char *path, char *id, size_t len)
{
	static const char *const attrs[] = { "dm/uuid", "device/wwid", "wwid", "device/serial" };
	const char *uuid = NULL;
	char sys[128], val[256];
	struct stat st;
	blkid_probe pr;
	unsigned int i;

	id[0] = '\0';
	if (stat(path, &st) || !S_ISBLK(st.st_mode))
		return;
	for (i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/%s", major(st.st_rdev),
			 minor(st.st_rdev), attrs[i]);
		if (md_read_line(sys, val, sizeof(val))) {
			snprintf(id, len, "%s:%s", attrs[i], val);
			return;
		}
	}
	pr = blkid_new_probe_from_filename(path);
	if (!pr)
		return;
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	if (!blkid_do_safeprobe(pr) && !blkid_probe_lookup_value(pr, "PART_ENTRY_UUID", &uuid, NULL))
		snprintf(id, len, "partuuid:%s", uuid);
	blkid_free_probe(pr);
}

static int md_random_u64(uint64_t *v)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, v, sizeof(*v));
	close(fd);
	return n == sizeof(*v) ? 0 : -1;
}

/* A tag resolved, or a path made absolute: 0 with *path malloc'ed, or an exit code. */
static int md_resolve(const char *cmd, const char *spec, char **path)
{
	*path = tdm_resolve_disk(spec);
	if (!*path) {
		fprintf(stderr, "tandemctl %s: no disk has %s\n", cmd, spec);
		return TDM_EXIT_NOTFOUND;
	}
	return 0;
}

/*
 * The disks a metadata command works on: --disk (and --meta-disk), or this
 * node's disk (and meta-disk) in the resource file. 0 with *path malloc'ed
 * and *meta malloc'ed or NULL (internal metadata), or an exit code.
 */
static int md_disk_paths(const char *cmd, const char *name, const char *spec,
			 const char *meta_spec, char **path, char **meta)
{
	struct tdm_local l;
	struct tdm_cfg cfg;
	const char *dir;
	int ret;

	*meta = NULL;
	if (spec && !spec[0])
		return tdm_usage_error(cmd, "--disk is empty");
	if (meta_spec && !meta_spec[0])
		return tdm_usage_error(cmd, "--meta-disk is empty");
	if (meta_spec && !spec)
		return tdm_usage_error(cmd, "--meta-disk goes with --disk (or in the resource file: meta-disk)");
	if (!spec && !tdm_cfg_present(&dir))
		return tdm_usage_error(cmd, "missing --disk (no resource files in %s to take it from)", dir);
	if (!spec) {
		ret = tdm_cfg_load(&cfg) ?: tdm_cfg_local(&cfg, name, &l);
		if (ret)
			return ret;
		spec = l.me->disk;
		meta_spec = l.me->meta_disk[0] ? l.me->meta_disk : NULL;
	}
	ret = md_resolve(cmd, spec, path);
	if (ret || !meta_spec)
		return ret;
	ret = md_resolve(cmd, meta_spec, meta);
	if (ret)
		free(*path);
	return ret;
}

/* Bitmap blocks, all clear, written this many at a time. */
#define MD_BM_BATCH 256

/* Bitmap (all clear) and activity log first, the superblock last. */
static int md_write_new(struct md_disk *d, const struct tdm_md_sb *sb)
{
	uint64_t i, j, n;
	uint8_t *batch;
	ssize_t done;

	if (posix_memalign((void **)&batch, TDM_MD_BLOCK, MD_BM_BATCH * TDM_MD_BLOCK)) {
		errno = ENOMEM;
		return -1;
	}
	for (i = 0; i < sb->layout.bm_blocks; i += n) {
		n = sb->layout.bm_blocks - i < MD_BM_BATCH ? sb->layout.bm_blocks - i : MD_BM_BATCH;
		memset(batch, 0, n * TDM_MD_BLOCK);
		for (j = 0; j < n; j++)
			tdm_bm_block_seal(batch + j * TDM_MD_BLOCK, (uint32_t)(i + j));
		done = pwrite(d->fd, batch, n * TDM_MD_BLOCK,
			      (off_t)tdm_md_block_sector(sb->layout.bm_offset, i) * 512);
		if (done != (ssize_t)(n * TDM_MD_BLOCK)) {
			if (done >= 0)
				errno = EIO;
			free(batch);
			return -1;
		}
	}
	free(batch);
	memset(d->block, 0, TDM_MD_BLOCK);
	for (i = 0; i < TDM_MD_AL_BYTES / TDM_MD_BLOCK; i++)
		if (md_pwrite(d, tdm_md_block_sector(sb->layout.al_offset, i)))
			return -1;
	tdm_md_sb_encode(d->block, sb);
	return md_pwrite(d, sb->layout.sb_offset) || fsync(d->fd) ? -1 : 0;
}

/* The bytes of metadata a layout takes: bitmap, activity log, superblock. */
static uint64_t md_bytes(const struct tdm_md_layout *l)
{
	return l->bm_blocks * TDM_MD_BLOCK + TDM_MD_AL_BYTES + TDM_MD_BLOCK;
}

/* create-md --size: the device smaller than the data area (0: all of it). */
static int md_apply_size(struct tdm_md_sb *sb, uint64_t size)
{
	if (!size)
		return TDM_EXIT_OK;
	if (size / 512 > sb->layout.data_sectors || size < TDM_MD_MIN_DATA) {
		fprintf(stderr, "tandemctl create-md: --size %" PRIu64 " MiB: the disk holds %" PRIu64
			" MiB of data, and the device is at least 1 MiB\n", size >> 20,
			sb->layout.data_sectors / 2048);
		return TDM_EXIT_FAIL;
	}
	sb->size_sectors = size / 512;
	return TDM_EXIT_OK;
}

/*
 * External metadata: on @meta_path, for the data disk @data (opened
 * exclusively, to refuse one in use, and read only: it is left as it is).
 */
static int create_md_external(const char *name, struct md_disk *data, const char *meta_path,
			      bool force, uint64_t size, struct tdm_md_sb *sb)
{
	char found[256], id[300];
	struct md_disk m;
	enum tdm_md_err e;
	int ret;

	if (data->sectors % (TDM_MD_BLOCK / 512)) {
		fprintf(stderr, "tandemctl create-md: %s is not a multiple of 4 KiB: its last %" PRIu64
			" bytes would be cut off from the device\n", data->path,
			data->sectors % (TDM_MD_BLOCK / 512) * 512);
		return TDM_EXIT_FAIL;
	}
	ret = md_open(&m, meta_path, O_RDWR | O_EXCL, "create-md");
	if (ret)
		return ret;
	e = tdm_md_layout_external(data->sectors, m.sectors, &sb->layout);
	if (e != TDM_MD_OK) {
		fprintf(stderr, "tandemctl create-md: %s for %s: %s\n", meta_path, data->path,
			tdm_md_err_str(e));
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	ret = md_apply_size(sb, size);
	if (ret)
		goto out_close;
	md_probe(&m, found, sizeof(found));
	if (found[0] && !force) {
		fprintf(stderr, "tandemctl create-md: the metadata disk %s holds %s; %" PRIu64
			" KiB of it would be overwritten: use --force if that is intended\n",
			meta_path, found, md_bytes(&sb->layout) / 1024);
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	sb->flags |= TDM_MDF_EXTERNAL;
	md_disk_id(data->path, id, sizeof(id));
	sb->data_ident = id[0] ? tdm_md_ident(id, strlen(id)) : 0;
	if (md_write_new(&m, sb)) {
		fprintf(stderr, "tandemctl create-md: writing %s: %s\n", meta_path, strerror(errno));
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	md_probe(data, found, sizeof(found));
	printf("%s: tandem metadata written to %s for %s: %" PRIu64 " MiB of data, left as it is%s%s%s, %"
	       PRIu64 " KiB of metadata; the data disk is known by %s\n", name, meta_path, data->path,
	       sb->layout.data_sectors / 2048, found[0] ? " (" : "", found, found[0] ? ")" : "",
	       md_bytes(&sb->layout) / 1024, id[0] ? id : "its size only (no dm UUID, WWID, serial or partition UUID)");
	ret = TDM_EXIT_OK;
out_close:
	md_close(&m);
	return ret;
}

int cmd_create_md(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "disk", required_argument, NULL, 'd' },
		{ "meta-disk", required_argument, NULL, 'M' },
		{ "force", no_argument, NULL, 'f' },
		{ "size", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name, *spec = NULL, *meta_spec = NULL;
	uint64_t size = 0;
	char msg[160];
	struct tdm_md_sb sb = { .version = TDM_MD_VERSION, .write_count = 1 };
	struct md_disk d;
	enum tdm_md_err e;
	char found[256], *path, *meta;
	int force = 0, c, ret;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			spec = optarg;
			break;
		case 'M':
			meta_spec = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 's':
			if (tdm_parse_bytes("--size", optarg, &size, msg, sizeof(msg)))
				return tdm_usage_error("create-md", "%s", msg);
			break;
		default:
			return tdm_usage_error("create-md", "unknown option");
		}
	}
	ret = tdm_take_name("create-md", argc, argv, &name);
	if (ret)
		return ret;
	ret = md_disk_paths("create-md", name, spec, meta_spec, &path, &meta);
	if (ret)
		return ret;
	if (meta && !strcmp(meta, path)) {
		ret = tdm_usage_error("create-md", "the metadata disk is the disk itself: leave out --meta-disk for internal metadata");
		goto out_free;
	}
	ret = md_open(&d, path, (meta ? O_RDONLY : O_RDWR) | O_EXCL, "create-md");
	if (ret)
		goto out_free;
	if (md_random_u64(&sb.device_uuid)) {
		fprintf(stderr, "tandemctl create-md: cannot read /dev/urandom\n");
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	if (meta) {
		ret = create_md_external(name, &d, meta, force, size, &sb);
		goto out_close;
	}
	e = tdm_md_layout(d.sectors, &sb.layout);
	if (e != TDM_MD_OK) {
		fprintf(stderr, "tandemctl create-md: %s: %s\n", path, tdm_md_err_str(e));
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	ret = md_apply_size(&sb, size);
	if (ret)
		goto out_close;
	md_probe(&d, found, sizeof(found));
	if (found[0] && !force) {
		fprintf(stderr, "tandemctl create-md: %s holds %s; its last %" PRIu64 " KiB would be overwritten: use --force if that is intended\n",
			path, found, (d.sectors - sb.layout.data_sectors) / 2);
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	if (md_write_new(&d, &sb))
		goto err_write;
	printf("%s: tandem metadata written to %s: %" PRIu64 " MiB of data, %" PRIu64
	       " KiB of metadata at the end\n", name, path, sb.layout.data_sectors / 2048,
	       (d.sectors - sb.layout.data_sectors) / 2);
	ret = TDM_EXIT_OK;
	goto out_close;

err_write:
	fprintf(stderr, "tandemctl create-md: writing %s: %s\n", path, strerror(errno));
	ret = TDM_EXIT_FAIL;
out_close:
	md_close(&d);
out_free:
	free(meta);
	free(path);
	return ret;
}

static void out_gen(const char *key, uint64_t v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%016" PRIx64, v);
	out_str(key, buf);
}

struct dump_md_args {
	const char *name;
	const char *spec;		/* --disk, or NULL: the resource file's */
	bool json;
};

/* What dump-md reads of a disk. */
struct md_dump {
	struct tdm_md_sb sb;
	uint64_t bits_set;		/* in the bitmap's valid blocks */
	uint64_t bad_blocks;		/* bitmap blocks unreadable or corrupt */
};

static int dump_md_parse(int argc, char **argv, struct dump_md_args *a)
{
	static const struct option opts[] = {
		{ "disk", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			a->spec = optarg;
			break;
		case 'j':
			a->json = true;
			break;
		default:
			return tdm_usage_error("dump-md", "unknown option");
		}
	}
	return tdm_take_name("dump-md", argc, argv, &a->name);
}

/* The superblock at the end of @d, internal or external. */
static enum tdm_md_err md_read_sb(struct md_disk *d, struct tdm_md_sb *sb)
{
	if (d->sectors < TDM_MD_BLOCK / 512 || md_pread(d, tdm_md_sb_sector(d->sectors)))
		return TDM_MD_NO_MAGIC;
	return tdm_md_sb_decode(d->block, d->sectors, sb);
}

/* Blocks read at a time looking for a former superblock: 1 MiB. */
#define MD_SCAN_BLOCKS 256
/*
 * How far below the end it is looked for: 64 GiB, read in about a minute;
 * a disk that grew by more needs its former size given (the admin's records).
 */
#define MD_SCAN_SECTORS (64ULL << 21)

uint64_t tdm_md_find_former(const char *path)
{
	uint64_t hi, lo, s, found = 0;
	struct tdm_md_sb sb;
	struct md_disk d;
	uint8_t *buf;

	if (md_open(&d, path, O_RDONLY, NULL))
		return 0;
	if (md_read_sb(&d, &sb) != TDM_MD_NO_MAGIC ||
	    posix_memalign((void **)&buf, TDM_MD_BLOCK, MD_SCAN_BLOCKS * TDM_MD_BLOCK))
		goto out_close;
	/* [lo, hi): the sectors read; the superblock's block is below the end's. */
	for (hi = tdm_md_sb_sector(d.sectors);
	     hi >= 8 && !found && d.sectors - hi <= MD_SCAN_SECTORS; hi = lo) {
		lo = hi > MD_SCAN_BLOCKS * 8 ? hi - MD_SCAN_BLOCKS * 8 : 0;
		if (pread(d.fd, buf, (hi - lo) * 512, (off_t)lo * 512) != (ssize_t)((hi - lo) * 512))
			break;
		for (s = hi - 8; s + 8 > lo && !found; s -= 8) {
			const uint8_t *blk = buf + (s - lo) * 512;

			if (!memcmp(blk, TDM_MD_MAGIC, 8) &&
			    tdm_md_sb_decode(blk, s + 8, &sb) == TDM_MD_OK &&
			    !(sb.flags & TDM_MDF_EXTERNAL))
				found = s + 8;
			if (s < 8)
				break;
		}
	}
	free(buf);
out_close:
	md_close(&d);
	return found;
}

int tdm_md_check_ident(const char *name, const char *data, const char *meta)
{
	struct tdm_md_sb sb;
	struct md_disk m;
	char id[300];
	int ret = TDM_EXIT_OK;

	if (md_open(&m, meta, O_RDONLY, NULL))
		return TDM_EXIT_OK;
	if (md_read_sb(&m, &sb) != TDM_MD_OK || !sb.data_ident)
		goto out;
	md_disk_id(data, id, sizeof(id));
	if (!id[0] || tdm_md_ident(id, strlen(id)) != sb.data_ident) {
		fprintf(stderr, "tandemctl: attach %s: the metadata on %s was made for another data disk than %s (%s): give its own metadata disk, or run create-md for this one\n",
			name, meta, data, id[0] ? id : "this one has no dm UUID, WWID, serial or partition UUID");
		ret = TDM_EXIT_FAIL;
	}
out:
	md_close(&m);
	return ret;
}

/* The bits set in the bitmap, and its blocks that cannot be read or fail their check. */
static void md_count_bits(struct md_disk *d, struct md_dump *m)
{
	const struct tdm_md_layout *lo = &m->sb.layout;
	uint64_t i, b, n, bits_left = lo->bm_bits;

	m->bits_set = 0;
	m->bad_blocks = 0;
	for (i = 0; i < lo->bm_blocks; i++) {
		n = bits_left < TDM_BM_BITS_PER_BLOCK ? bits_left : TDM_BM_BITS_PER_BLOCK;
		bits_left -= n;
		if (md_pread(d, tdm_md_block_sector(lo->bm_offset, i)) ||
		    tdm_bm_block_check(d->block, (uint32_t)i) != TDM_MD_OK) {
			m->bad_blocks++;
			continue;
		}
		for (b = 0; b < n; b++)
			m->bits_set += (d->block[TDM_BM_HDR + b / 8] >> (b % 8)) & 1;
	}
}

/* "consistent,attached", or "none". */
static void md_flags_str(uint32_t flags, char *buf, size_t len)
{
	const char *name;
	size_t used = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < 32; i++) {
		name = flags & (1u << i) ? tdm_md_flag_name(1u << i) : NULL;
		if (name && used < len)
			used += snprintf(buf + used, len - used, "%s%s", used ? "," : "", name);
	}
	if (!used)
		snprintf(buf, len, "none");
}

static void md_print(const char *path, const struct md_dump *m)
{
	const struct tdm_md_sb *sb = &m->sb;
	char flags[128];

	md_flags_str(sb->flags, flags, sizeof(flags));
	out_obj_begin(NULL);
	out_str("disk", path);
	out_str("metadata", sb->flags & TDM_MDF_EXTERNAL ? "external" : "internal");
	out_u64("version", sb->version);
	out_str("flags", flags);
	out_bytes("disk_size", sb->layout.disk_sectors * 512);
	out_bytes("data_size", sb->layout.data_sectors * 512);
	out_bytes("device_size", tdm_md_size(sb) * 512);
	out_bytes("metadata_size", md_bytes(&sb->layout));
	out_gen("current", sb->uuid_current);
	out_gen("bitmap_gen", sb->uuid_bitmap);
	out_gen("history0", sb->uuid_history[0]);
	out_gen("history1", sb->uuid_history[1]);
	out_gen("device_uuid", sb->device_uuid);
	if (sb->data_ident)
		out_gen("data_ident", sb->data_ident);
	out_u64("write_count", sb->write_count);
	out_u64("bitmap_bits", sb->layout.bm_bits);
	out_u64("bitmap_bits_set", m->bits_set);
	out_bytes("out_of_sync", m->bits_set * TDM_MD_BYTES_PER_BIT);
	out_u64("bitmap_bad_blocks", m->bad_blocks);
	out_obj_end();
}

int cmd_dump_md(int argc, char **argv)
{
	struct dump_md_args a = { 0 };
	struct md_dump m;
	struct md_disk d;
	enum tdm_md_err e;
	char *path, *meta;
	int ret;

	ret = dump_md_parse(argc, argv, &a) ?:
	      md_disk_paths("dump-md", a.name, a.spec, NULL, &path, &meta);
	if (ret)
		return ret;
	/* External metadata: the superblock is on the metadata disk. */
	if (meta) {
		free(path);
		path = meta;
	}
	ret = md_open(&d, path, O_RDONLY, "dump-md");
	if (ret)
		goto out_free;
	e = md_read_sb(&d, &m.sb);
	if (e != TDM_MD_OK) {
		fprintf(stderr, "tandemctl dump-md: %s: %s\n", path, tdm_md_err_str(e));
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	md_count_bits(&d, &m);
	out_init(a.json);
	md_print(path, &m);
	ret = TDM_EXIT_OK;
	if (m.bad_blocks) {
		fprintf(stderr, "tandemctl dump-md: %s: %" PRIu64 " bitmap block(s) corrupt\n",
			path, m.bad_blocks);
		ret = TDM_EXIT_FAIL;
	}
out_close:
	md_close(&d);
out_free:
	free(path);
	return ret;
}
