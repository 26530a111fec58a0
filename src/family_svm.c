/*-------------------------------------------------------------------------
 *
 * family_svm.c
 *	  Linear support vector machines: the hinge loss and the squared hinge
 *	  loss on targets 0/1 (read as -1/+1).
 *
 * With s = 2y - 1 and the margin violation m = 1 - s eta, a row's loss is
 * max(0, m) (hinge) or max(0, m)^2 (squared hinge, smooth: Newton's method
 * uses its generalized Hessian, 2 where m > 0, as liblinear does).  The
 * prediction is the margin eta itself.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "ooml.h"

static bool
svm_valid_target(double y)
{
	return y == 0.0 || y == 1.0;
}

static void
hinge_row(double y, double eta, double *loss, double *d1, double *d2)
{
	double		s = 2.0 * y - 1.0;
	double		m = 1.0 - s * eta;

	*loss = m > 0.0 ? m : 0.0;
	*d1 = m > 0.0 ? -s : 0.0;
	*d2 = 0.0;
}

static void
squared_hinge_row(double y, double eta, double *loss, double *d1, double *d2)
{
	double		s = 2.0 * y - 1.0;
	double		m = 1.0 - s * eta;

	*loss = m > 0.0 ? m * m : 0.0;
	*d1 = m > 0.0 ? -2.0 * s * m : 0.0;
	*d2 = m > 0.0 ? 2.0 : 0.0;
}

static double
margin(double eta)
{
	return eta;
}

/* not likelihoods: no log-likelihood, deviance or AIC */
static double
no_loglik(const OomlState *st, double loss_sum)
{
	return NAN;
}

static double
no_null_deviance(const OomlState *st)
{
	return NAN;
}

const OomlFamily ooml_family_hinge = {
	.name = "hinge",
	.link = "identity",
	.target_rule = "0 or 1 (or a boolean)",
	.binary_target = true,
	.valid_target = svm_valid_target,
	.row = hinge_row,
	.mean = margin,
	.loglik = no_loglik,
	.null_deviance = no_null_deviance
};

const OomlFamily ooml_family_squared_hinge = {
	.name = "squared_hinge",
	.link = "identity",
	.target_rule = "0 or 1 (or a boolean)",
	.binary_target = true,
	.valid_target = svm_valid_target,
	.row = squared_hinge_row,
	.mean = margin,
	.loglik = no_loglik,
	.null_deviance = no_null_deviance
};
