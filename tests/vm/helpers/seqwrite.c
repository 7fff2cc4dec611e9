// SPDX-License-Identifier: GPL-2.0
/*
 * seqwrite: a checker for "every acknowledged write survives".
 *
 *   seqwrite write DEV OFFSET SLOTS LOG
 *	writes 4 KiB blocks one at a time (O_DIRECT|O_DSYNC), block i into
 *	slot i % SLOTS from byte OFFSET, each tagged with i, and appends i to
 *	LOG once the write returned; runs until killed.
 *   seqwrite check DEV OFFSET SLOTS LAST
 *	every slot must hold the newest write <= LAST that went to it, or
 *	write LAST + 1 (the one that may have been in flight).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLK 4096
#define TAG "TDMSEQ01"

struct blk_hdr {
	char tag[8];
	uint64_t seq;
	uint64_t slot;
};

static int do_write(int fd, off_t off, uint64_t slots, const char *log)
{
	struct blk_hdr *h;
	uint64_t i;
	char line[32];
	void *buf;
	int lfd;

	lfd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC, 0644);
	if (lfd < 0 || posix_memalign(&buf, BLK, BLK))
		return 1;
	for (i = 1;; i++) {
		memset(buf, (int)(i & 0xff), BLK);
		h = buf;
		memcpy(h->tag, TAG, 8);
		h->seq = i;
		h->slot = i % slots;
		if (pwrite(fd, buf, BLK, off + (off_t)(i % slots) * BLK) != BLK) {
			perror("seqwrite: pwrite");
			return 1;
		}
		snprintf(line, sizeof(line), "%" PRIu64 "\n", i);
		if (write(lfd, line, strlen(line)) < 0)
			return 1;
	}
}

/* The newest write <= last into slot s (0: none). */
static uint64_t newest(uint64_t last, uint64_t slots, uint64_t s)
{
	uint64_t i;

	if (last < s || (s == 0 && last < slots))
		return 0;
	i = last - (last - s) % slots;
	return i;
}

static int do_check(int fd, off_t off, uint64_t slots, uint64_t last)
{
	uint64_t s, want, bad = 0;
	struct blk_hdr *h;
	void *buf;

	if (posix_memalign(&buf, BLK, BLK))
		return 1;
	for (s = 0; s < slots; s++) {
		if (pread(fd, buf, BLK, off + (off_t)s * BLK) != BLK) {
			perror("seqwrite: pread");
			return 1;
		}
		h = buf;
		want = newest(last, slots, s);
		if (!want && memcmp(h->tag, TAG, 8))
			continue;
		if (!memcmp(h->tag, TAG, 8) && (h->seq == want ||
		    (h->seq == last + 1 && (last + 1) % slots == s)))
			continue;
		if (bad++ < 10)
			printf("slot %" PRIu64 ": holds %s%" PRIu64 ", acknowledged write %" PRIu64 " missing\n",
			       s, memcmp(h->tag, TAG, 8) ? "no tagged block, seq field " : "write ",
			       h->seq, want);
	}
	printf("%" PRIu64 " slots checked up to write %" PRIu64 ", %" PRIu64 " wrong\n", slots, last, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	uint64_t slots;
	off_t off;
	int fd;

	if (argc != 6 || (strcmp(argv[1], "write") && strcmp(argv[1], "check"))) {
		fprintf(stderr, "usage: seqwrite write DEV OFFSET SLOTS LOG | check DEV OFFSET SLOTS LAST\n");
		return 2;
	}
	off = (off_t)strtoull(argv[3], NULL, 0);
	slots = strtoull(argv[4], NULL, 0);
	if (!slots || off % BLK)
		return 2;
	fd = open(argv[2], (argv[1][0] == 'w' ? O_WRONLY | O_DSYNC : O_RDONLY) | O_DIRECT);
	if (fd < 0) {
		perror(argv[2]);
		return 1;
	}
	if (argv[1][0] == 'w')
		return do_write(fd, off, slots, argv[5]);
	return do_check(fd, off, slots, strtoull(argv[5], NULL, 0));
}
