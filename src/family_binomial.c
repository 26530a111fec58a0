/*-------------------------------------------------------------------------
 *
 * family_binomial.c
 *	  Logistic regression: binomial family with the logit link.
 *
 * Loss of a row: the negative log-likelihood log(1 + e^eta) - y eta, with
 * y in {0, 1}.  Its derivative in eta is mu - y and its curvature
 * mu (1 - mu), where mu = 1 / (1 + e^-eta).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <float.h>
#include <math.h>

#include "ooml.h"

/* R's glm.fit calls a fitted probability within 10 eps of 0 or 1 "numerically 0 or 1" */
#define BINOMIAL_ETA_LIMIT	36.04365338911715	/* log((1 - 10 eps) / (10 eps)) */

static bool
binomial_valid_target(double y)
{
	return y == 0.0 || y == 1.0;
}

static void
binomial_row(double y, double eta, double *loss, double *dloss, double *d2loss)
{
	double		mu;

	/* log(1 + e^eta) evaluated without overflow on either side */
	if (eta > 0.0)
	{
		double		e = exp(-eta);

		*loss = eta + log1p(e) - y * eta;
		mu = 1.0 / (1.0 + e);
	}
	else
	{
		double		e = exp(eta);

		*loss = log1p(e) - y * eta;
		mu = e / (1.0 + e);
	}
	*dloss = mu - y;
	*d2loss = mu * (1.0 - mu);
}

static double
binomial_mean(double eta)
{
	if (eta >= 0.0)
		return 1.0 / (1.0 + exp(-eta));
	else
	{
		double		e = exp(eta);

		return e / (1.0 + e);
	}
}

static bool
binomial_at_boundary(double eta)
{
	return fabs(eta) > BINOMIAL_ETA_LIMIT;
}

static double
binomial_loglik(const OomlState *st, double loss_sum)
{
	return -loss_sum;
}

/* The intercept-only model fits the mean; without intercept, eta = 0. */
static double
binomial_null_loglik(const OomlState *st)
{
	double		n1 = st->sum_wy;
	double		n0 = st->sum_w - st->sum_wy;
	double		p;

	if (!(st->flags & OOML_FLAG_INTERCEPT))
		return st->sum_w * log(0.5);
	p = n1 / st->sum_w;
	return (n1 > 0 ? n1 * log(p) : 0.0) + (n0 > 0 ? n0 * log1p(-p) : 0.0);
}

static double
binomial_null_deviance(const OomlState *st)
{
	return -2.0 * binomial_null_loglik(st);
}

static double
binomial_pearson(double y, double eta)
{
	double		mu = binomial_mean(eta);

	return (y - mu) * (y - mu) / (mu * (1.0 - mu));
}

const OomlFamily ooml_family_binomial = {
	.name = "binomial",
	.link = "logit",
	.target_rule = "0 or 1 (or a boolean)",
	.binary_target = true,
	.valid_target = binomial_valid_target,
	.row = binomial_row,
	.mean = binomial_mean,
	.at_boundary = binomial_at_boundary,
	.estimate_dispersion = false,
	.quadratic = false,
	.loglik = binomial_loglik,
	.null_loglik = binomial_null_loglik,
	.null_deviance = binomial_null_deviance,
	.pearson = binomial_pearson,
	.extra_params = 0
};
