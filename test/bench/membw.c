/*
 * membw.c: the machine's memory bandwidth, for one process and for two at
 * once.  Each process copies a 64 MB buffer (larger than any cache) to
 * another, over and over; prints the GB/s one process reaches alone and
 * the GB/s two reach together.  A scan whose pages are copied from the
 * operating system's page cache is a copy like this one, so when two
 * processes together copy no faster than one, a scan cannot gain the
 * number of its processes from running in parallel.
 *
 *	membw
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BYTES	((size_t) 64 << 20)
#define ROUNDS	40

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

/* copy ROUNDS times; returns the seconds taken */
static double
copy_rounds(void)
{
	char	   *a = malloc(BYTES);
	char	   *b = malloc(BYTES);
	double		t0;

	if (a == NULL || b == NULL)
	{
		perror("malloc");
		exit(1);
	}
	memset(a, 1, BYTES);
	memset(b, 2, BYTES);
	t0 = now();
	for (int r = 0; r < ROUNDS; r++)
	{
		a[r] = (char) r;
		memcpy(b, a, BYTES);
		__asm__ volatile("" : : "r"(b) : "memory");
	}
	t0 = now() - t0;
	if (b[ROUNDS - 1] != (char) (ROUNDS - 1))
		abort();
	free(a);
	free(b);
	return t0;
}

int
main(void)
{
	double		one,
				both;
	int			fd[2];

	one = copy_rounds();
	/* two at once: the child reports its time through a pipe */
	if (pipe(fd) != 0)
	{
		perror("pipe");
		return 1;
	}
	if (fork() == 0)
	{
		double		t = copy_rounds();

		if (write(fd[1], &t, sizeof(t)) != sizeof(t))
			_exit(1);
		_exit(0);
	}
	both = copy_rounds();
	{
		double		other;

		if (read(fd[0], &other, sizeof(other)) != sizeof(other))
			return 1;
		wait(NULL);
		if (other > both)
			both = other;
	}
	printf("%.1f %.1f\n", (double) ROUNDS * BYTES / 1e9 / one,
		   2.0 * ROUNDS * BYTES / 1e9 / both);
	return 0;
}
