/*-------------------------------------------------------------------------
 *
 * optim.c
 *	  The arithmetic of the optimizers between passes, for the PL/pgSQL
 *	  driver: L-BFGS's two-loop recursion, OWL-QN's pseudo-gradient and
 *	  orthant projection, the proximal map of the l1 norm, and coordinate
 *	  descent on a quadratic model with an elastic-net penalty (glmnet's
 *	  scheme: a pass builds the model, coordinate descent solves it).
 *
 * None of these touch the data: each takes vectors of the model's size.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/array.h"

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_lbfgs_direction);
PG_FUNCTION_INFO_V1(ooml_pseudo_gradient);
PG_FUNCTION_INFO_V1(ooml_orthant_constrain);
PG_FUNCTION_INFO_V1(ooml_orthant_project);
PG_FUNCTION_INFO_V1(ooml_prox_l1);
PG_FUNCTION_INFO_V1(ooml_weighted_l1);
PG_FUNCTION_INFO_V1(ooml_cd_quadratic);

static inline double
soft(double v, double t)
{
	return v > t ? v - t : v < -t ? v + t : 0.0;
}

/*
 * _lbfgs_direction(g, s, y) = -H g, where H is the L-BFGS approximation of
 * the inverse Hessian from the correction pairs (s_i, y_i), oldest first,
 * concatenated in s and y (Nocedal and Wright, Algorithm 7.4).
 */
Datum
ooml_lbfgs_direction(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *g = ooml_float8_arg(fcinfo, 0, &n);
	int			ns = -1,
				ny = -1;
	double	   *s = ooml_float8_arg(fcinfo, 1, &ns);
	double	   *y = ooml_float8_arg(fcinfo, 2, &ny);
	int			k;
	double	   *q = palloc(sizeof(double) * Max(n, 1));
	double	   *alpha;
	double	   *rho;
	double		gamma = 1.0;

	if (n == 0 || ns != ny || ns % n != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the correction pairs must be whole multiples of the gradient's length")));
	k = ns / n;
	alpha = palloc(sizeof(double) * Max(k, 1));
	rho = palloc(sizeof(double) * Max(k, 1));
	memcpy(q, g, sizeof(double) * n);

	for (int i = k - 1; i >= 0; i--)
	{
		double		sy = ooml_dot(s + (Size) i * n, y + (Size) i * n, n);

		rho[i] = sy != 0.0 ? 1.0 / sy : 0.0;
		alpha[i] = rho[i] * ooml_dot(s + (Size) i * n, q, n);
		for (int j = 0; j < n; j++)
			q[j] -= alpha[i] * y[(Size) i * n + j];
	}
	if (k > 0)
	{
		double		yy = ooml_dot(y + (Size) (k - 1) * n, y + (Size) (k - 1) * n, n);

		if (yy > 0.0)
			gamma = ooml_dot(s + (Size) (k - 1) * n, y + (Size) (k - 1) * n, n) / yy;
	}
	for (int j = 0; j < n; j++)
		q[j] *= gamma;
	for (int i = 0; i < k; i++)
	{
		double		beta = rho[i] * ooml_dot(y + (Size) i * n, q, n);

		for (int j = 0; j < n; j++)
			q[j] += s[(Size) i * n + j] * (alpha[i] - beta);
	}
	for (int j = 0; j < n; j++)
		q[j] = -q[j];
	PG_RETURN_DATUM(ooml_float8_array(q, n));
}

/*
 * _pseudo_gradient(x, g, w): OWL-QN's pseudo-gradient of f(x) + sum w_j |x_j|,
 * the steepest-descent direction's negative (Andrew and Gao 2007).
 */
Datum
ooml_pseudo_gradient(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *x = ooml_float8_arg(fcinfo, 0, &n);
	double	   *g = ooml_float8_arg(fcinfo, 1, &n);
	double	   *w = ooml_float8_arg(fcinfo, 2, &n);
	double	   *pg = palloc(sizeof(double) * Max(n, 1));

	for (int j = 0; j < n; j++)
	{
		if (x[j] > 0.0)
			pg[j] = g[j] + w[j];
		else if (x[j] < 0.0)
			pg[j] = g[j] - w[j];
		else if (g[j] + w[j] < 0.0)
			pg[j] = g[j] + w[j];
		else if (g[j] - w[j] > 0.0)
			pg[j] = g[j] - w[j];
		else
			pg[j] = 0.0;
	}
	PG_RETURN_DATUM(ooml_float8_array(pg, n));
}

/* _orthant_constrain(d, pg): zero the direction where it ascends (d_j pg_j >= 0). */
Datum
ooml_orthant_constrain(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *d = ooml_float8_arg(fcinfo, 0, &n);
	double	   *pg = ooml_float8_arg(fcinfo, 1, &n);
	double	   *r = palloc(sizeof(double) * Max(n, 1));

	for (int j = 0; j < n; j++)
		r[j] = d[j] * pg[j] < 0.0 ? d[j] : 0.0;
	PG_RETURN_DATUM(ooml_float8_array(r, n));
}

/*
 * _orthant_project(xnew, x, pg): keep xnew in the orthant of x (of -pg
 * where x_j = 0): components that would change sign become 0.
 */
Datum
ooml_orthant_project(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *xn = ooml_float8_arg(fcinfo, 0, &n);
	double	   *x = ooml_float8_arg(fcinfo, 1, &n);
	double	   *pg = ooml_float8_arg(fcinfo, 2, &n);
	double	   *r = palloc(sizeof(double) * Max(n, 1));

	for (int j = 0; j < n; j++)
	{
		double		orth = x[j] != 0.0 ? x[j] : -pg[j];

		r[j] = (xn[j] * orth > 0.0) ? xn[j] : 0.0;
	}
	PG_RETURN_DATUM(ooml_float8_array(r, n));
}

/* _prox_l1(v, t): soft thresholding, sign(v_j) max(|v_j| - t_j, 0). */
Datum
ooml_prox_l1(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *v = ooml_float8_arg(fcinfo, 0, &n);
	double	   *t = ooml_float8_arg(fcinfo, 1, &n);
	double	   *r = palloc(sizeof(double) * Max(n, 1));

	for (int j = 0; j < n; j++)
		r[j] = soft(v[j], t[j]);
	PG_RETURN_DATUM(ooml_float8_array(r, n));
}

/* _weighted_l1(x, w) = sum w_j |x_j| */
Datum
ooml_weighted_l1(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *x = ooml_float8_arg(fcinfo, 0, &n);
	double	   *w = ooml_float8_arg(fcinfo, 1, &n);
	double		s = 0.0;

	for (int j = 0; j < n; j++)
		s += w[j] * fabs(x[j]);
	PG_RETURN_FLOAT8(s);
}

/*
 * _cd_quadratic(h, g, beta, l1w, tol, max_sweeps) returns the minimizer b of
 *
 *	  g'(b - beta) + 1/2 (b - beta)' H (b - beta) + sum_j l1w_j |b_j|
 *
 * by cyclic coordinate descent (Friedman, Hastie and Tibshirani 2010): H is
 * the p x p Hessian (column-major; ridge terms already on its diagonal), g
 * the gradient at beta.  The quadratic's gradient q = g + H (b - beta) is
 * kept up to date, so a sweep costs O(p^2).  Stops when no coordinate moves
 * by more than tol (scaled by sqrt(H_jj)).
 */
Datum
ooml_cd_quadratic(PG_FUNCTION_ARGS)
{
	int			p = -1;
	int			nh = -1;
	double	   *h = ooml_float8_arg(fcinfo, 0, &nh);
	double	   *g = ooml_float8_arg(fcinfo, 1, &p);
	double	   *beta = ooml_float8_arg(fcinfo, 2, &p);
	double	   *l1w = ooml_float8_arg(fcinfo, 3, &p);
	double		tol = PG_GETARG_FLOAT8(4);
	int			max_sweeps = PG_GETARG_INT32(5);
	double	   *b = palloc(sizeof(double) * Max(p, 1));
	double	   *q = palloc(sizeof(double) * Max(p, 1));

	if (nh != p * p)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("the Hessian must have p * p elements")));
	memcpy(b, beta, sizeof(double) * p);
	memcpy(q, g, sizeof(double) * p);

	for (int sweep = 0; sweep < max_sweeps; sweep++)
	{
		double		moved = 0.0;

		CHECK_FOR_INTERRUPTS();
		for (int j = 0; j < p; j++)
		{
			double		hjj = h[(Size) j * p + j];
			double		bj,
						delta;

			if (!(hjj > 0.0))
				continue;		/* a coordinate the model does not see */
			bj = -soft(q[j] - hjj * b[j], l1w[j]) / hjj;
			delta = bj - b[j];
			if (delta == 0.0)
				continue;
			b[j] = bj;
			for (int i = 0; i < p; i++)
				q[i] += delta * h[(Size) j * p + i];
			moved = Max(moved, fabs(delta) * sqrt(hjj));
		}
		if (moved <= tol)
			break;
	}
	PG_RETURN_DATUM(ooml_float8_array(b, p));
}
