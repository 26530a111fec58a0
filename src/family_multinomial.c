/*-------------------------------------------------------------------------
 *
 * family_multinomial.c
 *	  Multinomial logistic regression: K classes, class 0 the reference.
 *
 * A row has q = K - 1 linear predictors eta_k (eta_0 = 0 for the
 * reference class) and the class probabilities p_k = e^eta_k / sum_l
 * e^eta_l.  The loss is the negative log-likelihood -log p_y, its gradient
 * in eta_k is p_k - [y = k], and its curvature W = diag(p) - p p' (classes
 * 1..q), positive semidefinite.  The engine adds W (x) x x' into the
 * Hessian block by block: block (k, l) gets W_kl x x'.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "ooml.h"

/* class indexes are integers 0..K-1; the engine checks the upper bound */
static bool
multinomial_valid_target(double y)
{
	return y >= 0.0 && y < OOML_MAX_CLASSES && y == floor(y);
}

static void
multinomial_row(int q, int y, const double *eta, double *loss, double *dloss,
				double *curv)
{
	double		m = 0.0;
	double		den;

	/* softmax, shifted by the largest predictor so nothing overflows */
	for (int k = 0; k < q; k++)
		m = Max(m, eta[k]);
	den = exp(-m);
	for (int k = 0; k < q; k++)
	{
		dloss[k] = exp(eta[k] - m);
		den += dloss[k];
	}
	for (int k = 0; k < q; k++)
		dloss[k] /= den;		/* p_k for now */

	*loss = log(den) + m - (y > 0 ? eta[y - 1] : 0.0);

	if (curv != NULL)
		for (int l = 0; l < q; l++)
			for (int k = 0; k <= l; k++)
				curv[l * (l + 1) / 2 + k] = dloss[k] * ((k == l ? 1.0 : 0.0) - dloss[l]);
	if (y > 0)
		dloss[y - 1] -= 1.0;
}

static double
multinomial_loglik(const OomlState *st, double loss_sum)
{
	return -loss_sum;
}

const OomlFamily ooml_family_multinomial = {
	.name = "multinomial",
	.link = "logit",
	.target_rule = "class indexes 0, 1, ..., K - 1",
	.binary_target = false,
	.valid_target = multinomial_valid_target,
	.row = NULL,
	.mean = NULL,
	.at_boundary = NULL,
	.estimate_dispersion = false,
	.quadratic = false,
	.loglik = multinomial_loglik,
	.null_loglik = NULL,		/* the driver has the class counts */
	.null_deviance = NULL,
	.pearson = NULL,
	.extra_params = 0,
	.row_multi = multinomial_row
};
