/*-------------------------------------------------------------------------
 *
 * lsq.c
 *	  Least squares in one pass: a tall-skinny QR of [X y], refined against
 *	  the Gram matrix accumulated in double-double.
 *
 * The transition function buffers rows and folds each block of
 * OOML_QR_BLOCK rows into the running R factor of [X y] with LAPACK's
 * dtpqrt; the combine function folds one R factor into another the same
 * way, so parallel workers and other nodes merge exactly.  Householder QR
 * is backward stable, but the least-squares solution it gives can still
 * lose digits on ill-conditioned data (a degree-10 polynomial, say).  So the
 * pass also accumulates [X y]'[X y] in double-double arithmetic (about 32
 * digits), and the final function refines:
 *
 *	  beta <- beta + (R'R)^-1 (X'y - X'X beta),	C <- C + C (I - X'X C)
 *
 * with the residuals X'y - X'X beta and I - X'X C evaluated in
 * double-double.  R'R differs from X'X by a backward error of order
 * kappa(X) u, so each step gains about -log10(kappa(X) u) digits (corrected
 * semi-normal equations, Bjorck 1987), until double precision is reached.
 * No further pass over the data is needed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "miscadmin.h"

#include "dd.h"
#include "ooml.h"

/*
 * A column is aliased when its part orthogonal to the earlier columns,
 * |R_jj|, is below this fraction of its norm.  Refinement recovers the
 * digits of systems with condition numbers up to about 1/u; below this
 * ratio the column is a linear combination of the others to within
 * rounding.
 */
#define OOML_QR_ALIAS_TOL	1e-13

#define MAX_REFINE	30

/*
 * Add a row to a QR state: buffer it, and fold the buffer when it is full.
 * (With FMA, each double-double product is two instructions, not a call.)
 */
OOML_CLONES void
ooml_qr_add_row(OomlState *st, const OomlLayout *l, const double *x, double y)
{
	int			p = st->ncoef;
	int			q = p + 1;
	double	   *buf = OOML_SECTION(st, l->qbuf, double);
	int			k = st->nbuf;

	for (int c = 0; c < p; c++)
		buf[(Size) c * OOML_QR_BLOCK + k] = x[c];
	buf[(Size) p * OOML_QR_BLOCK + k] = y;

	if (l->gram)
	{
		double		z[OOML_REFINE_MAX_COEF + 1];
		double	   *hi = OOML_SECTION(st, l->gram, double);
		double	   *lo = hi + (Size) q * q;

		memcpy(z, x, sizeof(double) * p);
		z[p] = y;
		/* column j of the upper triangle += z_j z[0..j], in double-double */
		for (int j = 0; j < q; j++)
		{
			double	   *restrict h = hi + (Size) j * q;
			double	   *restrict e = lo + (Size) j * q;
			const double zj = z[j];

			for (int i = 0; i <= j; i++)
			{
				double		prod,
							perr,
							sum,
							serr;

				dd_two_prod(z[i], zj, &prod, &perr);
				dd_two_sum(h[i], prod, &sum, &serr);
				serr += e[i] + perr;
				h[i] = sum + serr;
				e[i] = serr - (h[i] - sum);
			}
		}
	}

	if (++st->nbuf == OOML_QR_BLOCK)
	{
		ooml_tsqr_add(q, OOML_SECTION(st, l->raug, double), buf,
					  OOML_QR_BLOCK, OOML_QR_BLOCK, false);
		st->nbuf = 0;
	}
}

/* Merge QR state b into a (same pass): fold the buffers and b's factor. */
void
ooml_qr_merge(OomlState *a, const OomlState *b, const OomlLayout *l)
{
	int			q = a->ncoef + 1;
	double	   *ra = OOML_SECTION(a, l->raug, double);
	double	   *tmp = palloc(sizeof(double) * Max(OOML_QR_BLOCK, q) * q);

	ooml_tsqr_add(q, ra, OOML_SECTION(a, l->qbuf, double), a->nbuf,
				  OOML_QR_BLOCK, false);
	a->nbuf = 0;

	memcpy(tmp, OOML_SECTION(b, l->qbuf, const double),
		   sizeof(double) * OOML_QR_BLOCK * q);
	ooml_tsqr_add(q, ra, tmp, b->nbuf, OOML_QR_BLOCK, false);

	memcpy(tmp, OOML_SECTION(b, l->raug, const double), sizeof(double) * q * q);
	ooml_tsqr_add(q, ra, tmp, q, q, true);

	if (l->gram)
	{
		double	   *ha = OOML_SECTION(a, l->gram, double);
		double	   *la = ha + (Size) q * q;
		const double *hb = OOML_SECTION(b, l->gram, const double);
		const double *lb = hb + (Size) q * q;

		for (Size i = 0; i < (Size) q * q; i++)
		{
			dd			x = {ha[i], la[i]};

			dd_add(&x, (dd) {hb[i], lb[i]});
			ha[i] = x.hi;
			la[i] = x.lo;
		}
	}
	pfree(tmp);
}

/*
 * The double-double Gram matrix: its high parts, then its low parts, each
 * q x q with the upper triangle used.
 */
typedef struct Gram
{
	const double *hi;
	const double *lo;
	int			q;
} Gram;

/* element (i, j), i and j in any order */
static inline dd
sym(const Gram *g, int i, int j)
{
	Size		k = i <= j ? (Size) j * g->q + i : (Size) i * g->q + j;

	return (dd) {g->hi[k], g->lo[k]};
}

static inline dd
dd_neg(dd x)
{
	return (dd) {-x.hi, -x.lo};
}

/* max |v_i| */
static double
max_abs(const double *v, int n)
{
	double		m = 0.0;

	for (int i = 0; i < n; i++)
		m = Max(m, fabs(v[i]));
	return m;
}

/*
 * Solve the least-squares problem a QR state describes: coefficients,
 * residual and total sums of squares, standard errors, condition number,
 * or the aliased columns when X is rank deficient.
 */
void
ooml_qr_fit(const OomlState *st, const OomlLayout *l, OomlQrFit *fit)
{
	int			p = st->ncoef;
	int			q = p + 1;
	int			first_pen = (st->flags & OOML_FLAG_INTERCEPT) ? 1 : 0;
	const double *pw = OOML_SECTION(st, l->pw, const double);
	double		n = st->sum_w;
	double		pen = n * st->l2;	/* penalty of the summed objective, times pw */
	double	   *r = palloc(sizeof(double) * q * q);
	double	   *tmp = palloc(sizeof(double) * Max(OOML_QR_BLOCK, p) * q);
	double	   *beta = palloc(sizeof(double) * p);
	double	   *g = palloc(sizeof(double) * p);
	double	   *c = palloc(sizeof(double) * p * p);
	Gram		gram_s;
	const Gram *gram = NULL;
	double		pen_norm = 0.0;

	memset(fit, 0, sizeof(*fit));
	if (l->gram)
	{
		gram_s.hi = OOML_SECTION(st, l->gram, const double);
		gram_s.lo = gram_s.hi + (Size) q * q;
		gram_s.q = q;
		gram = &gram_s;
	}

	/* the R factor of [X y], with the buffered rows and the ridge rows */
	memcpy(r, OOML_SECTION(st, l->raug, const double), sizeof(double) * q * q);
	memcpy(tmp, OOML_SECTION(st, l->qbuf, const double),
		   sizeof(double) * OOML_QR_BLOCK * q);
	ooml_tsqr_add(q, r, tmp, st->nbuf, OOML_QR_BLOCK, false);
	if (pen > 0.0)
	{
		memset(tmp, 0, sizeof(double) * p * q);
		for (int j = 0; j < p; j++)
			tmp[(Size) j * p + j] = sqrt(pen * pw[j]);
		ooml_tsqr_add(q, r, tmp, p, p, false);
	}

	/* aliased columns: |R_jj| small against the norm of column j */
	fit->aliased = palloc(sizeof(int) * p);
	for (int j = 0; j < p; j++)
	{
		double		norm2 = 0.0;

		for (int i = 0; i <= j; i++)
			norm2 += r[(Size) j * q + i] * r[(Size) j * q + i];
		if (!(fabs(r[(Size) j * q + j]) > OOML_QR_ALIAS_TOL * sqrt(norm2)))
			fit->aliased[fit->naliased++] = j + 1;
	}
	fit->rank = p - fit->naliased;
	if (fit->naliased > 0)
		return;

	/* beta = R^-1 Q'y; Q'y is R's last column */
	memcpy(beta, r + (Size) p * q, sizeof(double) * p);
	ooml_triangular_solve(p, r, q, beta, false);

	/* refine against X'X and X'y in double-double */
	for (int iter = 0; gram && iter < MAX_REFINE; iter++)
	{
		double		step,
					size;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < p; i++)
		{
			dd			s = sym(gram, i, p); /* (X'y)_i */

			for (int j = 0; j < p; j++)
				dd_add_dd_prod(&s, dd_neg(sym(gram, i, j)), beta[j]);
			dd_add_prod(&s, -pen * pw[i], beta[i]);
			g[i] = dd_value(s);
		}
		ooml_triangular_solve(p, r, q, g, true);
		ooml_triangular_solve(p, r, q, g, false);
		for (int j = 0; j < p; j++)
			beta[j] += g[j];
		step = max_abs(g, p);
		size = max_abs(beta, p);
		fit->refinements = iter + 1;
		if (step <= 1e-17 * size)
			break;
	}
	fit->solution = beta;

	for (int j = 0; j < p; j++)
		pen_norm += pw[j] * beta[j] * beta[j];

	if (gram)
	{
		dd			rss = sym(gram, p, p);	/* y'y */
		dd			tss = rss;
		double		gmax = 0.0;

		/* RSS = y'y - beta'(2 X'y - X'X beta); the gradient on the way */
		for (int i = 0; i < p; i++)
		{
			dd			s = sym(gram, i, p);

			for (int j = 0; j < p; j++)
				dd_add_dd_prod(&s, dd_neg(sym(gram, i, j)), beta[j]);
			gmax = Max(gmax, fabs(dd_value(s) - pen * pw[i] * beta[i]));
			dd_add(&s, sym(gram, i, p));
			dd_add_dd_prod(&rss, dd_neg(s), beta[i]);
		}
		fit->rss = Max(0.0, dd_value(rss));
		fit->grad_norm = gmax / n;

		/* TSS about the mean: sum (y - m)^2 = y'y - 2 m sum y + n m^2 */
		if (first_pen)
		{
			dd			sumy = sym(gram, 0, p);	/* column 0 is the intercept */
			double		m = dd_value(sumy) / n;
			double		nm,
						nm_err;

			dd_add_dd_prod(&tss, sumy, -2.0 * m);
			dd_two_prod(n, m, &nm, &nm_err);
			dd_add_prod(&tss, nm, m);
			dd_add_prod(&tss, nm_err, m);
		}
		fit->tss = Max(0.0, dd_value(tss));
	}
	else
	{
		/* |R_qq|^2 is the penalized residual sum of squares */
		fit->rss = Max(0.0, r[(Size) p * q + p] * r[(Size) p * q + p] - pen * pen_norm);
		fit->tss = st->sum_wyy - (first_pen ? st->sum_wy * st->sum_wy / n : 0.0);
		fit->grad_norm = NAN;
	}
	fit->loss = fit->rss / (2.0 * n) + 0.5 * st->l2 * pen_norm;

	/* covariance: C = (R'R)^-1, refined against X'X as beta was */
	for (int j = 0; j < p; j++)
		for (int i = 0; i < p; i++)
			c[(Size) j * p + i] = i <= j ? r[(Size) j * q + i] : 0.0;
	fit->std_err = palloc(sizeof(double) * p);
	if (!gram)
	{
		/* only the diagonal is needed: by panels, interruptible */
		ooml_cholesky_inverse_diag(p, c, fit->std_err);
	}
	else
	{
		double	   *e = palloc(sizeof(double) * p * p);
		double	   *ce = palloc(sizeof(double) * p * p);

		ooml_cholesky_inverse(p, c);
		for (int iter = 0; iter < 5; iter++)
		{
			double		emax = 0.0;

			CHECK_FOR_INTERRUPTS();
			/* E = I - (X'X + pen diag(pw)) C */
			for (int k = 0; k < p; k++)
				for (int i = 0; i < p; i++)
				{
					dd			s = {i == k ? 1.0 : 0.0, 0.0};

					for (int j = 0; j < p; j++)
						dd_add_dd_prod(&s, dd_neg(sym(gram, i, j)), c[(Size) k * p + j]);
					dd_add_prod(&s, -pen * pw[i], c[(Size) k * p + i]);
					e[(Size) k * p + i] = dd_value(s);
					emax = Max(emax, fabs(e[(Size) k * p + i]));
				}
			if (emax < 1e-30)
				break;
			/* C += C E */
			for (int k = 0; k < p; k++)
				for (int i = 0; i < p; i++)
				{
					double		s = 0.0;

					for (int j = 0; j < p; j++)
						s += c[(Size) j * p + i] * e[(Size) k * p + j];
					ce[(Size) k * p + i] = s;
				}
			for (int i = 0; i < p * p; i++)
				c[i] += ce[i];
			ooml_symmetrize(p, c);
		}
		pfree(e);
		pfree(ce);
		for (int j = 0; j < p; j++)
			fit->std_err[j] = c[(Size) j * p + j];
	}
	{
		double		df = (double) st->n_rows - p;
		double		dispersion = df > 0 ? fit->rss / df : NAN;

		for (int j = 0; j < p; j++)
			fit->std_err[j] = sqrt(dispersion * fit->std_err[j]);
	}

	/* condition number of X, as MADlib's linregr_train reports it */
	fit->condition_number = p <= OOML_CONDITION_MAX ? ooml_triangular_condition(p, r, q) : NAN;

	pfree(r);
	pfree(tmp);
	pfree(g);
	pfree(c);
}
