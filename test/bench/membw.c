/*
 * membw.c: the machine's memory bandwidth, for one process and for two at
 * once.  Each process copies a 64 MB buffer (larger than any cache) to
 * another, over and over; prints the GB/s one process reaches alone and
 * the GB/s two reach together (medians of 5 runs of each, alternately).  A scan whose pages are copied from the
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

/* two processes at once: the seconds the slower of them took */
static double
copy_rounds_twice(void)
{
	double		t,
				other;
	int			fd[2];
	pid_t		pid;

	if (pipe(fd) != 0)
	{
		perror("pipe");
		exit(1);
	}
	pid = fork();
	if (pid < 0)
	{
		perror("fork");
		exit(1);
	}
	if (pid == 0)
	{
		t = copy_rounds();
		_exit(write(fd[1], &t, sizeof(t)) == sizeof(t) ? 0 : 1);
	}
	t = copy_rounds();
	if (read(fd[0], &other, sizeof(other)) != sizeof(other))
		exit(1);
	waitpid(pid, NULL, 0);
	close(fd[0]);
	close(fd[1]);
	return t > other ? t : other;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

#define REPS 5

int
main(void)
{
	double		one[REPS],
				both[REPS];

	/* alternately, so that the machine's drift weighs on both alike */
	for (int r = 0; r < REPS; r++)
	{
		one[r] = copy_rounds();
		both[r] = copy_rounds_twice();
	}
	qsort(one, REPS, sizeof(double), cmp_double);
	qsort(both, REPS, sizeof(double), cmp_double);
	printf("%.1f %.1f\n", (double) ROUNDS * BYTES / 1e9 / one[REPS / 2],
		   2.0 * ROUNDS * BYTES / 1e9 / both[REPS / 2]);
	return 0;
}
