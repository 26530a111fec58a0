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

/*
 * binomial_row for a block of rows, written for the compiler's vectorizer
 * (the Makefile compiles this file with it): first exp and log1p of every
 * row, then the rest, without a branch.  With glibc's vector math library
 * (libmvec, at most 4 ulp from the scalar functions) it computes four rows
 * at a time where the processor has AVX2, two elsewhere.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
extern double exp(double) __attribute__((simd("notinbranch")));
extern double log1p(double) __attribute__((simd("notinbranch")));
#define BINOMIAL_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BINOMIAL_CLONES
#endif

BINOMIAL_CLONES static int
binomial_rows(int m, const double *restrict y, const double *restrict eta,
			  double *restrict loss, double *restrict dloss, double *restrict d2loss)
{
	int			boundary = 0;

	/* e = exp(-|eta|) in dloss, log(1 + e) in loss */
	for (int i = 0; i < m; i++)
	{
		dloss[i] = exp(-fabs(eta[i]));
		loss[i] = log1p(dloss[i]);
	}
	for (int i = 0; i < m; i++)
	{
		double		t = eta[i];
		double		e = dloss[i];
		double		pos = t > 0.0 ? 1.0 : 0.0;
		double		mu = (e + pos * (1.0 - e)) / (1.0 + e);

		loss[i] += pos * t - y[i] * t;
		dloss[i] = mu - y[i];
		d2loss[i] = mu * (1.0 - mu);
		boundary += fabs(t) > BINOMIAL_ETA_LIMIT;	/* binomial_at_boundary */
	}
	return boundary;
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
	.rows = binomial_rows,
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
