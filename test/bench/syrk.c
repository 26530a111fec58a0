/*
 * syrk.c: what the Hessian of a Newton pass costs in BLAS alone.
 *
 * Accumulates X'X for ROWS rows of P values in blocks of K rows, as a Newton
 * pass does with its buffered rows (64 under hashed aggregation, up to 1024
 * otherwise), three ways: one dsyrk per block (ooml's
 * way), one dgemm per block on the full matrix, and a plain loop of rank-one
 * updates of the upper triangle.  The rows stay in cache, so this is the
 * arithmetic alone.  Usage: syrk [ROWS [P]]; prints milliseconds.
 */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	long		nrows = argc > 1 ? atol(argv[1]) : 1000000;
	int			p = argc > 2 ? atoi(argv[2]) : 21;
	int			blocks[] = {64, 256, 1024};
	double	   *rows = malloc(sizeof(double) * p * 1024);
	double	   *c = calloc((size_t) p * p, sizeof(double));
	double		check = 0.0;

	if (rows == NULL || c == NULL || p < 1 || nrows < 1)
		return 1;
	for (int i = 0; i < p * 1024; i++)
		rows[i] = (double) ((i * 7919) % 1000) / 1000.0 - 0.5;
	for (int b = 0; b < 3; b++)
	{
		int			k = blocks[b];
		double		t0,
					t1,
					t2,
					t3;

		t0 = now();
		for (long r = 0; r < nrows; r += k)
			cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, p, k, 1.0, rows, p, 1.0, c, p);
		t1 = now();
		for (long r = 0; r < nrows; r += k)
			cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, p, p, k, 1.0, rows, p, rows, p, 1.0, c, p);
		t2 = now();
		for (long r = 0; r < nrows; r += k)
			for (int i = 0; i < k; i++)
			{
				const double *x = rows + (long) i * p;

				for (int a = 0; a < p; a++)
				{
					double		xa = x[a];
					double	   *ca = c + (long) a * p;

					for (int j = 0; j <= a; j++)
						ca[j] += xa * x[j];
				}
			}
		t3 = now();
		printf("%d %.1f %.1f %.1f\n", k, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3);
	}
	for (int i = 0; i < p * p; i++)
		check += c[i];
	fprintf(stderr, "checksum %g\n", check);
	return 0;
}
