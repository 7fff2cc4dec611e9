// SPDX-License-Identifier: GPL-2.0
/*
 * lateread: read one block with O_DIRECT, print what came back, close the
 * device but keep the buffer, and once GO exists (the test made the disk answer the request
 * it had given up on), check that nothing wrote into the buffer since.
 *
 *   lateread DEV OFFSET GO
 *
 * Prints "read <ms> ms <first byte, hex>" then "kept" (exit 0) or
 * "overwritten <offset> <byte>" (exit 1); exit 2 on a failed call.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK 4096

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	unsigned char *buf, copy[BLOCK];
	double start;
	int fd, i;

	if (argc != 4) {
		fprintf(stderr, "usage: lateread DEV OFFSET GO\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_DIRECT);
	if (fd < 0 || posix_memalign((void **)&buf, BLOCK, BLOCK)) {
		perror("lateread: open");
		return 2;
	}
	memset(buf, 0xee, BLOCK);
	start = now_ms();
	if (pread(fd, buf, BLOCK, strtoll(argv[2], NULL, 0)) != BLOCK) {
		perror("lateread: pread");
		return 2;
	}
	printf("read %.0f ms %02x\n", now_ms() - start, buf[0]);
	fflush(stdout);
	/* The device is free again (the test demotes it); the buffer stays. */
	close(fd);
	memcpy(copy, buf, BLOCK);
	while (access(argv[3], F_OK))
		usleep(100000);
	for (i = 0; i < BLOCK; i++) {
		if (buf[i] != copy[i]) {
			printf("overwritten %d %02x\n", i, buf[i]);
			return 1;
		}
	}
	printf("kept\n");
	return 0;
}
