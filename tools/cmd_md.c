// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: create-md and dump-md, the metadata at the end of a backing
 * disk (format: kmod/core/ondisk.h, doc/metadata.md). Both work on the disk
 * directly, without the module; dump-md also while the disk is attached.
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

static int md_open(struct md_disk *d, const char *path, int flags, const char *cmd)
{
	uint64_t bytes;

	d->path = path;
	d->block = NULL;
	d->fd = open(path, flags | O_DIRECT | O_CLOEXEC);
	if (d->fd < 0) {
		if (errno == EBUSY)
			fprintf(stderr, "tandemctl %s: %s is in use (mounted, attached, or held by another driver)\n",
				cmd, path);
		else
			fprintf(stderr, "tandemctl %s: %s: %s\n", cmd, path, strerror(errno));
		return errno == ENOENT ? TDM_EXIT_NOTFOUND : TDM_EXIT_FAIL;
	}
	if (ioctl(d->fd, BLKGETSIZE64, &bytes)) {
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
	return pwrite(d->fd, d->block, TDM_MD_BLOCK, (off_t)sector * 512) == TDM_MD_BLOCK ? 0 : -1;
}

/*
 * What is on the disk already: a filesystem, RAID member, LVM PV, swap, a
 * partition table (libblkid), or tandem metadata. Empty string: nothing.
 */
static void md_probe(struct md_disk *d, char *found, size_t len)
{
	const char *type = NULL, *label = NULL;
	struct tdm_md_sb sb;
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
	if (tdm_md_layout(d->sectors, &sb.layout) == TDM_MD_OK && !md_pread(d, sb.layout.sb_offset) &&
	    !memcmp(d->block, TDM_MD_MAGIC, 8))
		snprintf(found, len, "tandem metadata");
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

/*
 * The disk a metadata command works on: --disk, or this node's disk in the
 * resource file; a tag resolved. 0 with *path malloc'ed, or an exit code.
 */
static int md_disk_path(const char *cmd, const char *name, const char *spec, char **path)
{
	struct tdm_local l;
	struct tdm_cfg cfg;
	const char *dir;
	int ret;

	if (spec && !spec[0])
		return tdm_usage_error(cmd, "--disk is empty");
	if (!spec && !tdm_cfg_present(&dir))
		return tdm_usage_error(cmd, "missing --disk (no resource files in %s to take it from)", dir);
	if (!spec) {
		ret = tdm_cfg_load(&cfg) ?: tdm_cfg_local(&cfg, name, &l);
		if (ret)
			return ret;
		spec = l.me->disk;
	}
	*path = tdm_resolve_disk(spec);
	if (!*path) {
		fprintf(stderr, "tandemctl %s: no disk has %s\n", cmd, spec);
		return TDM_EXIT_NOTFOUND;
	}
	return 0;
}

int cmd_create_md(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "disk", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	const char *name, *spec = NULL;
	struct tdm_md_sb sb = { .version = TDM_MD_VERSION, .write_count = 1 };
	struct md_disk d;
	enum tdm_md_err e;
	char found[256], *path;
	int force = 0, c, ret;
	uint64_t i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			spec = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			return tdm_usage_error("create-md", "unknown option");
		}
	}
	ret = tdm_take_name("create-md", argc, argv, &name);
	if (ret)
		return ret;
	ret = md_disk_path("create-md", name, spec, &path);
	if (ret)
		return ret;
	ret = md_open(&d, path, O_RDWR | O_EXCL, "create-md");
	if (ret)
		goto out_free;
	e = tdm_md_layout(d.sectors, &sb.layout);
	if (e != TDM_MD_OK) {
		fprintf(stderr, "tandemctl create-md: %s: %s\n", path, tdm_md_err_str(e));
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	md_probe(&d, found, sizeof(found));
	if (found[0] && !force) {
		fprintf(stderr, "tandemctl create-md: %s holds %s; its last %" PRIu64 " KiB would be overwritten: use --force if that is intended\n",
			path, found, (d.sectors - sb.layout.data_sectors) / 2);
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	if (md_random_u64(&sb.device_uuid)) {
		fprintf(stderr, "tandemctl create-md: cannot read /dev/urandom\n");
		ret = TDM_EXIT_FAIL;
		goto out_close;
	}
	/* Bitmap (all clear) and activity log first, the superblock last. */
	for (i = 0; i < sb.layout.bm_blocks; i++) {
		memset(d.block, 0, TDM_MD_BLOCK);
		tdm_bm_block_seal(d.block, (uint32_t)i);
		if (md_pwrite(&d, tdm_md_block_sector(sb.layout.bm_offset, i)))
			goto err_write;
	}
	memset(d.block, 0, TDM_MD_BLOCK);
	for (i = 0; i < TDM_MD_AL_BYTES / TDM_MD_BLOCK; i++)
		if (md_pwrite(&d, tdm_md_block_sector(sb.layout.al_offset, i)))
			goto err_write;
	tdm_md_sb_encode(d.block, &sb);
	if (md_pwrite(&d, sb.layout.sb_offset) || fsync(d.fd))
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

static enum tdm_md_err md_read_sb(struct md_disk *d, struct tdm_md_sb *sb)
{
	enum tdm_md_err e;

	e = tdm_md_layout(d->sectors, &sb->layout);
	if (e != TDM_MD_OK)
		return e;
	if (md_pread(d, sb->layout.sb_offset))
		return TDM_MD_NO_MAGIC;
	return tdm_md_sb_decode(d->block, d->sectors, sb);
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
	out_u64("version", sb->version);
	out_str("flags", flags);
	out_bytes("disk_size", sb->layout.disk_sectors * 512);
	out_bytes("data_size", sb->layout.data_sectors * 512);
	out_bytes("metadata_size", (sb->layout.disk_sectors - sb->layout.data_sectors) * 512);
	out_gen("current", sb->uuid_current);
	out_gen("bitmap_gen", sb->uuid_bitmap);
	out_gen("history0", sb->uuid_history[0]);
	out_gen("history1", sb->uuid_history[1]);
	out_gen("device_uuid", sb->device_uuid);
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
	char *path;
	int ret;

	ret = dump_md_parse(argc, argv, &a) ?: md_disk_path("dump-md", a.name, a.spec, &path);
	if (ret)
		return ret;
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
