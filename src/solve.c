/*-------------------------------------------------------------------------
 *
 * solve.c
 *	  Dense linear algebra through LAPACK: the only file that calls it.
 *
 * Matrices are column-major n x n arrays of doubles.  The LAPACKE *_work
 * entry points are used with workspaces from palloc, so LAPACK allocates
 * nothing behind the server's back.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include <cblas.h>
#include <lapacke.h>

#include "miscadmin.h"

#include "ooml.h"

/* Copy the upper triangle into the lower one. */
void
ooml_symmetrize(int n, double *a)
{
	for (int j = 0; j < n; j++)
		for (int i = 0; i < j; i++)
			a[(Size) i * n + j] = a[(Size) j * n + i];
}

/*
 * Matrices up to this order are factored by one LAPACK call; larger ones
 * in panels of OOML_PANEL columns, with a check for interrupts between the
 * LAPACK and BLAS calls, so that a cancel takes effect within a fraction of
 * a second even for the largest Hessians ooml.max_state_memory allows.
 */
#define OOML_BLOCKED_FROM	256
#define OOML_PANEL			64

/*
 * Cholesky factor a symmetric matrix in place (upper triangle, A = R'R)
 * and estimate its reciprocal condition number in the 1-norm.  Returns
 * LAPACK's info: 0 on success, > 0 when the matrix is not positive definite.
 */
int
ooml_cholesky(int n, double *a, double *rcond)
{
	double	   *work = palloc(sizeof(double) * 3 * n);
	lapack_int *iwork = palloc(sizeof(lapack_int) * n);
	double		anorm;
	lapack_int	info = 0;

	anorm = LAPACKE_dlansy_work(LAPACK_COL_MAJOR, '1', 'U', n, a, n, work);
	if (n < OOML_BLOCKED_FROM)
		info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', n, a, n);
	else
	{
		/* right-looking blocked Cholesky: factor, solve the panel, update */
		for (int k = 0; k < n && info == 0; k += OOML_PANEL)
		{
			int			nb = Min(OOML_PANEL, n - k);
			int			rest = n - k - nb;
			double	   *akk = a + (Size) k * n + k;

			CHECK_FOR_INTERRUPTS();
			info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'U', nb, akk, n);
			if (info != 0)
			{
				info += k;
				break;
			}
			if (rest == 0)
				break;
			/* R12 = R11^-T A12 */
			cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasTrans, CblasNonUnit,
						nb, rest, 1.0, akk, n, akk + (Size) nb * n, n);
			/* A22 -= R12' R12, in column panels */
			for (int j = 0; j < rest; j += OOML_PANEL)
			{
				int			jb = Min(OOML_PANEL, rest - j);
				double	   *r12j = akk + (Size) (nb + j) * n;
				double	   *a22 = a + (Size) (k + nb + j) * n + (k + nb);

				CHECK_FOR_INTERRUPTS();
				/* the columns j..j+jb of A22, rows above their diagonal block */
				if (j > 0)
					cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, j, jb, nb,
								-1.0, akk + (Size) nb * n, n, r12j, n, 1.0, a22, n);
				cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, jb, nb, -1.0,
							r12j, n, 1.0, a22 + j, n);
			}
		}
	}
	*rcond = 0.0;
	if (info == 0)
		info = LAPACKE_dpocon_work(LAPACK_COL_MAJOR, 'U', n, a, n, anorm,
								   rcond, work, iwork);
	pfree(work);
	pfree(iwork);
	return (int) info;
}

/* Solve A x = b in place, given the Cholesky factor from ooml_cholesky. */
void
ooml_cholesky_solve(int n, const double *chol, double *b)
{
	lapack_int	info;

	info = LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'U', n, 1, chol, n, b, n);
	if (info != 0)
		elog(ERROR, "ooml: dpotrs failed with info %d", (int) info);
}

/*
 * The diagonal of A^-1 from the Cholesky factor A = R'R, into d: squared
 * row norms of R^-1, whose columns are found in panels by triangular solves
 * (interrupts checked between panels).
 */
void
ooml_cholesky_inverse_diag(int n, const double *chol, double *d)
{
	int			nb = Min(OOML_PANEL, n);
	double	   *x = palloc(sizeof(double) * n * nb);

	for (int i = 0; i < n; i++)
		d[i] = 0.0;
	for (int k = 0; k < n; k += nb)
	{
		int			jb = Min(nb, n - k);

		CHECK_FOR_INTERRUPTS();
		/* columns k..k+jb of R^-1 are zero below row k+jb: solve the top */
		memset(x, 0, sizeof(double) * n * jb);
		for (int j = 0; j < jb; j++)
			x[(Size) j * n + k + j] = 1.0;
		cblas_dtrsm(CblasColMajor, CblasLeft, CblasUpper, CblasNoTrans, CblasNonUnit,
					k + jb, jb, 1.0, chol, n, x, n);
		for (int j = 0; j < jb; j++)
			for (int i = 0; i < k + jb; i++)
				d[i] += x[(Size) j * n + i] * x[(Size) j * n + i];
	}
	pfree(x);
}

/* Replace a Cholesky factor by the full inverse of the original matrix. */
void
ooml_cholesky_inverse(int n, double *chol)
{
	lapack_int	info;

	info = LAPACKE_dpotri_work(LAPACK_COL_MAJOR, 'U', n, chol, n);
	if (info != 0)
		elog(ERROR, "ooml: dpotri failed with info %d", (int) info);
	ooml_symmetrize(n, chol);
}

/*
 * Which columns of a positive semidefinite matrix (equilibrated: unit
 * diagonal) are linear combinations of earlier ones?  Columns are taken in
 * order, as R's lm and glm do, so that a later term is reported as aliased
 * with earlier ones: column j is kept when its variance left after the kept
 * columns exceeds OOML_ALIAS_TOL of its own, checked with a triangular solve
 * against the Cholesky factor of the kept columns.  piv receives the
 * 1-based kept columns, then the aliased ones; the count kept is returned.
 */
#define OOML_ALIAS_TOL	1e-12

int
ooml_rank_pivots(int n, const double *a, int *piv)
{
	double	   *r = palloc0(sizeof(double) * n * n);	/* factor of kept columns */
	double	   *z = palloc(sizeof(double) * n);
	int		   *aliased = palloc(sizeof(int) * n);
	int			k = 0;
	int			nal = 0;

	for (int j = 0; j < n; j++)
	{
		double		diag = a[(Size) j * n + j];
		double		resid = diag;

		CHECK_FOR_INTERRUPTS();
		if (k > 0)
		{
			lapack_int	info;

			/* z = R^-T a[kept, j] */
			for (int i = 0; i < k; i++)
				z[i] = a[(Size) j * n + (piv[i] - 1)];
			info = LAPACKE_dtrtrs_work(LAPACK_COL_MAJOR, 'U', 'T', 'N', k, 1,
									   r, n, z, k);
			if (info != 0)
				elog(ERROR, "ooml: dtrtrs failed with info %d", (int) info);
			for (int i = 0; i < k; i++)
				resid -= z[i] * z[i];
		}
		if (!(diag > 0.0) || !(resid > OOML_ALIAS_TOL * diag))
		{
			aliased[nal++] = j + 1;
			continue;
		}
		/* append column j to the factor */
		for (int i = 0; i < k; i++)
			r[(Size) k * n + i] = z[i];
		r[(Size) k * n + k] = sqrt(resid);
		piv[k++] = j + 1;
	}
	for (int i = 0; i < nal; i++)
		piv[k + i] = aliased[i];
	pfree(r);
	pfree(z);
	pfree(aliased);
	return k;
}

/* 2-norm condition number of a symmetric matrix: |lambda|max / |lambda|min. */
double
ooml_condition_number(int n, const double *a)
{
	double	   *copy = palloc(sizeof(double) * n * n);
	double	   *w = palloc(sizeof(double) * n);
	double		qwork;
	double	   *work;
	lapack_int	lwork;
	lapack_int	info;
	double		lo = INFINITY,
				hi = 0.0;

	memcpy(copy, a, sizeof(double) * n * n);
	info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'N', 'U', n, copy, n, w, &qwork, -1);
	if (info != 0)
		elog(ERROR, "ooml: dsyev workspace query failed with info %d", (int) info);
	lwork = (lapack_int) qwork;
	work = palloc(sizeof(double) * Max(lwork, 1));
	info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'N', 'U', n, copy, n, w, work, lwork);
	if (info != 0)
		return NAN;
	for (int i = 0; i < n; i++)
	{
		lo = Min(lo, fabs(w[i]));
		hi = Max(hi, fabs(w[i]));
	}
	pfree(copy);
	pfree(w);
	pfree(work);
	return lo > 0.0 ? hi / lo : INFINITY;
}

/*
 * c += sum of r r' over m rows r of p values each, stored one after the
 * other, on the upper triangle of the p x p matrix c: a block of rank-one
 * Hessian updates in one BLAS call.
 */
void
ooml_syrk_add(int p, double *c, const double *rows, int m)
{
	ooml_syrk_add_block(p, c, p, rows, m, 1.0);
}

/*
 * out = rows b: the dot product of each of m rows of p values (one after
 * the other) with b, by one BLAS dgemv.
 */
void
ooml_rows_dot(int p, int m, const double *rows, const double *b, double *out)
{
	if (m > 0)
		cblas_dgemv(CblasColMajor, CblasTrans, p, m, 1.0, rows, p, b, 1,
					0.0, out, 1);
}

/* g += rows' c: the sum of the m rows of p values, row i times c[i] */
void
ooml_rows_axpy(int p, int m, const double *rows, const double *c, double *g)
{
	if (m > 0)
		cblas_dgemv(CblasColMajor, CblasNoTrans, p, m, 1.0, rows, p, c, 1,
					1.0, g, 1);
}

/*
 * c += alpha rows' rows for the upper triangle of an n x n block of a larger
 * matrix (leading dimension ldc); rows are m x n, one after the other.
 */
void
ooml_syrk_add_block(int n, double *c, int ldc, const double *rows, int m, double alpha)
{
	if (m > 0)
		cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, m, alpha, rows, n,
					1.0, c, ldc);
}

/*
 * Fold m rows into the upper triangular q x q factor r: r becomes the R
 * factor of [r; rows] (LAPACK's dtpqrt, the QR of a triangular-pentagonal
 * matrix).  rows (m x q, leading dimension ldrows) is overwritten.  With
 * triangular, rows is itself upper triangular (m = q): merging two R
 * factors, as the combine function of a tall-skinny QR does.
 */
void
ooml_tsqr_add(int q, double *r, double *rows, int m, int ldrows, bool triangular)
{
	int			nb = Min(q, 32);
	double	   *t;
	double	   *work;
	lapack_int	info;

	if (m <= 0)
		return;
	t = palloc(sizeof(double) * nb * q);
	work = palloc(sizeof(double) * nb * q);
	info = LAPACKE_dtpqrt_work(LAPACK_COL_MAJOR, m, q, triangular ? m : 0, nb,
							   r, q, rows, ldrows, t, nb, work);
	if (info != 0)
		elog(ERROR, "ooml: dtpqrt failed with info %d", (int) info);
	pfree(t);
	pfree(work);
}

/* Solve R x = b (or R' x = b) in place for upper triangular R. */
void
ooml_triangular_solve(int n, const double *r, int ldr, double *b, bool transpose)
{
	lapack_int	info;

	info = LAPACKE_dtrtrs_work(LAPACK_COL_MAJOR, 'U', transpose ? 'T' : 'N', 'N',
							   n, 1, r, ldr, b, n);
	if (info != 0)
		elog(ERROR, "ooml: dtrtrs failed with info %d", (int) info);
}

/* 2-norm condition number of an upper triangular matrix, from its singular values. */
double
ooml_triangular_condition(int n, const double *r, int ldr)
{
	double	   *a = palloc0(sizeof(double) * n * n);
	double	   *sv = palloc(sizeof(double) * n);
	double		qwork;
	double	   *work;
	lapack_int	lwork;
	lapack_int	info;
	double		result;

	for (int j = 0; j < n; j++)
		for (int i = 0; i <= j; i++)
			a[(Size) j * n + i] = r[(Size) j * ldr + i];
	info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'N', 'N', n, n, a, n, sv,
							   NULL, 1, NULL, 1, &qwork, -1);
	if (info != 0)
		return NAN;
	lwork = (lapack_int) qwork;
	work = palloc(sizeof(double) * Max(lwork, 1));
	info = LAPACKE_dgesvd_work(LAPACK_COL_MAJOR, 'N', 'N', n, n, a, n, sv,
							   NULL, 1, NULL, 1, work, lwork);
	result = (info == 0 && sv[n - 1] > 0.0) ? sv[0] / sv[n - 1] : INFINITY;
	pfree(a);
	pfree(sv);
	pfree(work);
	return result;
}
