/*-------------------------------------------------------------------------
 *
 * family_gaussian.c
 *	  Least squares: gaussian family with the identity link.
 *
 * Loss of a row: (y - eta)^2 / 2; derivative eta - y; curvature 1.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "ooml.h"

static bool
gaussian_valid_target(double y)
{
	return true;
}

static void
gaussian_row(double y, double eta, double *loss, double *dloss, double *d2loss)
{
	double		r = eta - y;

	*loss = 0.5 * r * r;
	*dloss = r;
	*d2loss = 1.0;
}

static double
gaussian_mean(double eta)
{
	return eta;
}

/* Profile log-likelihood at the maximum-likelihood sigma^2 = RSS / n. */
static double
gaussian_loglik_rss(double rss, double n)
{
	return -0.5 * n * (log(2.0 * M_PI * rss / n) + 1.0);
}

static double
gaussian_loglik(const OomlState *st, double loss_sum)
{
	return gaussian_loglik_rss(2.0 * loss_sum, st->sum_w);
}

static double
gaussian_null_loglik(const OomlState *st)
{
	double		tss = st->sum_wyy;

	if (st->flags & OOML_FLAG_INTERCEPT)
		tss -= st->sum_wy * st->sum_wy / st->sum_w;
	return gaussian_loglik_rss(tss, st->sum_w);
}

static double
gaussian_null_deviance(const OomlState *st)
{
	double		tss = st->sum_wyy;

	if (st->flags & OOML_FLAG_INTERCEPT)
		tss -= st->sum_wy * st->sum_wy / st->sum_w;
	return Max(0.0, tss);
}

static double
gaussian_pearson(double y, double eta)
{
	return (y - eta) * (y - eta);
}

const OomlFamily ooml_family_gaussian = {
	.name = "gaussian",
	.link = "identity",
	.target_rule = "a finite number",
	.valid_target = gaussian_valid_target,
	.row = gaussian_row,
	.mean = gaussian_mean,
	.at_boundary = NULL,
	.estimate_dispersion = true,
	.quadratic = true,
	.loglik = gaussian_loglik,
	.null_loglik = gaussian_null_loglik,
	.null_deviance = gaussian_null_deviance,
	.pearson = gaussian_pearson,
	.extra_params = 1
};
