/*-------------------------------------------------------------------------
 *
 * family_glm.c
 *	  Generalized linear models: a family (its variance function and unit
 *	  deviance) with a link, as R's glm() defines them.  (binomial with
 *	  the logit link and gaussian with the identity link are the fast
 *	  families of family_binomial.c and family_gaussian.c.)
 *
 * Every (family, link) pair is an OomlFamily of its own, generated below
 * from three small tables: links, variance functions, families.  A row's
 * loss is half its unit deviance, whose derivative in eta is
 * -(y - mu) mu'(eta) / V(mu) and whose curvature is taken as the expected
 * information mu'(eta)^2 / V(mu), so that Newton's method is R's Fisher
 * scoring (IRLS) for any link.  A fitted value outside the family's range
 * (a negative mean, say, with the identity link) makes the loss infinite,
 * which the driver's line search rejects.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#define MATHLIB_STANDALONE
#include <Rmath.h>

#include "ooml.h"

/* links: mu = linkinv(eta), mu_eta = dmu/deta */
typedef struct Link
{
	const char *name;
	double		(*linkinv) (double eta);
	double		(*mu_eta) (double eta);
} Link;

static double probit_inv(double e) { return pnorm(e, 0.0, 1.0, 1, 0); }
static double probit_mu_eta(double e) { return dnorm(e, 0.0, 1.0, 0); }
static double cloglog_inv(double e) { return -expm1(-exp(e)); }
static double cloglog_mu_eta(double e) { return exp(e - exp(e)); }
static double log_inv(double e) { return exp(e); }
static double identity_inv(double e) { return e; }
static double identity_mu_eta(double e) { return 1.0; }
static double inverse_inv(double e) { return 1.0 / e; }
static double inverse_mu_eta(double e) { return -1.0 / (e * e); }
static double invsq_inv(double e) { return 1.0 / sqrt(e); }
static double invsq_mu_eta(double e) { return -1.0 / (2.0 * pow(e, 1.5)); }
static double sqrt_inv(double e) { return e * e; }
static double sqrt_mu_eta(double e) { return 2.0 * e; }

static const Link link_probit = {"probit", probit_inv, probit_mu_eta};
static const Link link_cloglog = {"cloglog", cloglog_inv, cloglog_mu_eta};
static const Link link_log = {"log", log_inv, log_inv};
static const Link link_identity = {"identity", identity_inv, identity_mu_eta};
static const Link link_inverse = {"inverse", inverse_inv, inverse_mu_eta};
static const Link link_invsq = {"1/mu^2", invsq_inv, invsq_mu_eta};
static const Link link_sqrt = {"sqrt", sqrt_inv, sqrt_mu_eta};

/* y log(y / mu), 0 at y = 0 */
static inline double
ylogy(double y, double mu)
{
	return y > 0.0 ? y * log(y / mu) : 0.0;
}

/* variance functions, unit deviances, valid means and targets */
static double binomial_var(double mu) { return mu * (1.0 - mu); }
static double binomial_dev(double y, double mu) { return 2.0 * (ylogy(y, mu) + ylogy(1.0 - y, 1.0 - mu)); }
static bool binomial_mu_ok(double mu) { return mu > 0.0 && mu < 1.0; }
static bool binomial_y_ok(double y) { return y == 0.0 || y == 1.0; }

static double gaussian_var(double mu) { return 1.0; }
static double gaussian_dev(double y, double mu) { return (y - mu) * (y - mu); }
static bool gaussian_mu_ok(double mu) { return isfinite(mu); }
static bool gaussian_y_ok(double y) { return true; }

static double poisson_var(double mu) { return mu; }
static double poisson_dev(double y, double mu) { return 2.0 * (ylogy(y, mu) - (y - mu)); }
static bool positive(double mu) { return mu > 0.0 && isfinite(mu); }
static bool poisson_y_ok(double y) { return y >= 0.0 && y == floor(y); }

static double gamma_var(double mu) { return mu * mu; }
static double gamma_dev(double y, double mu) { return 2.0 * (-log(y / mu) + (y - mu) / mu); }
static bool positive_y(double y) { return y > 0.0; }

static double invgauss_var(double mu) { return mu * mu * mu; }
static double invgauss_dev(double y, double mu) { return (y - mu) * (y - mu) / (y * mu * mu); }

/*
 * One row: loss = unit deviance / 2, its derivative in eta and the
 * expected information.
 */
static pg_attribute_always_inline void
glm_row(double y, double eta, const Link *lk, double (*var) (double),
		double (*dev) (double, double), bool (*mu_ok) (double),
		double *loss, double *d1, double *d2)
{
	double		mu = lk->linkinv(eta);
	double		me,
				v;

	if (!mu_ok(mu))
	{
		*loss = INFINITY;
		*d1 = *d2 = 0.0;
		return;
	}
	me = lk->mu_eta(eta);
	v = var(mu);
	*loss = 0.5 * dev(y, mu);
	*d1 = -(y - mu) * me / v;
	*d2 = me * me / v;
}

/* per-family sums of y: poisson: sum lgamma(y + 1), sum y log y; gamma and
 * inverse gaussian: sum log y, sum 1/y */
static void
poisson_const(double y, double *c1, double *c2)
{
	*c1 = lgamma(y + 1.0);
	*c2 = y > 0.0 ? y * log(y) : 0.0;
}

static void
positive_const(double y, double *c1, double *c2)
{
	*c1 = log(y);
	*c2 = 1.0 / y;
}

/* the mean of y, and the null model's mean without an intercept */
static double
ybar(const OomlState *st)
{
	return st->sum_wy / st->sum_w;
}

/* log-likelihoods at the fit, as R's family$aic computes them (-aic/2) */
static double
poisson_loglik(const OomlState *st, double loss_sum)
{
	/* sum w (y log mu - mu - lgamma(y + 1)); loss = sum w (y log(y/mu) - y + mu) */
	return st->aux - st->sum_wy - loss_sum - st->ll_const;
}

static double
gamma_loglik(const OomlState *st, double loss_sum)
{
	double		n = st->sum_w;
	double		dev = 2.0 * loss_sum;
	double		disp = dev / n;
	double		k = 1.0 / disp;

	/* sum w log dgamma(y, shape = 1/disp, scale = mu disp) */
	return -n * lgamma(k) - n * k * log(disp) + (k - 1.0) * st->ll_const
		- k * (dev / 2.0 + st->ll_const + n);
}

static double
invgauss_loglik(const OomlState *st, double loss_sum)
{
	double		n = st->sum_w;
	double		disp = 2.0 * loss_sum / n;

	return -0.5 * (n * (log(disp * 2.0 * M_PI) + 1.0) + 3.0 * st->ll_const);
}

static double
binomial_loglik(const OomlState *st, double loss_sum)
{
	return -loss_sum;
}

static double
gaussian_loglik(const OomlState *st, double loss_sum)
{
	double		n = st->sum_w;

	return -0.5 * n * (log(2.0 * M_PI * 2.0 * loss_sum / n) + 1.0);
}

/* null deviances: of the mean with an intercept, of eta = 0 without */
static double
poisson_null_deviance(const OomlState *st)
{
	double		m = (st->flags & OOML_FLAG_INTERCEPT) ? ybar(st) : -1.0;

	if (m < 0.0)
		return NAN;				/* eta = 0 depends on the link: see the driver */
	return 2.0 * (st->aux - st->sum_wy * log(m));
}

static double
gamma_null_deviance(const OomlState *st)
{
	if (!(st->flags & OOML_FLAG_INTERCEPT))
		return NAN;
	return 2.0 * (-st->ll_const + st->sum_w * log(ybar(st)));
}

static double
invgauss_null_deviance(const OomlState *st)
{
	double		m = ybar(st);

	if (!(st->flags & OOML_FLAG_INTERCEPT))
		return NAN;
	return (st->sum_wy - 2.0 * m * st->sum_w + m * m * st->aux) / (m * m);
}

static double
binomial_null_deviance(const OomlState *st)
{
	double		n1 = st->sum_wy,
				n0 = st->sum_w - st->sum_wy,
				p = n1 / st->sum_w;

	if (!(st->flags & OOML_FLAG_INTERCEPT))
		return NAN;
	return -2.0 * ((n1 > 0 ? n1 * log(p) : 0.0) + (n0 > 0 ? n0 * log1p(-p) : 0.0));
}

static double
gaussian_null_deviance(const OomlState *st)
{
	if (!(st->flags & OOML_FLAG_INTERCEPT))
		return st->sum_wyy;
	return Max(0.0, st->sum_wyy - st->sum_wy * st->sum_wy / st->sum_w);
}

/*
 * One OomlFamily per (family, link): the row, mean and Pearson functions
 * are generated, the rest is shared by the family.
 */
#define GLM(fam, lk, famname, lkname, rule, yok, muok, disp, extra, rowc) \
static void fam##_##lk##_row(double y, double eta, double *loss, double *d1, double *d2) \
{ glm_row(y, eta, &link_##lk, fam##_var, fam##_dev, muok, loss, d1, d2); } \
static double fam##_##lk##_mean(double eta) { return link_##lk.linkinv(eta); } \
static double fam##_##lk##_pearson(double y, double eta) \
{ double mu = link_##lk.linkinv(eta); return (y - mu) * (y - mu) / fam##_var(mu); } \
static const OomlFamily fam##_##lk = { \
	.name = famname, .link = lkname, .target_rule = rule, .binary_target = false, \
	.valid_target = yok, .row = fam##_##lk##_row, .mean = fam##_##lk##_mean, \
	.at_boundary = NULL, .estimate_dispersion = disp, .quadratic = false, \
	.loglik = fam##_loglik, .null_loglik = NULL, .null_deviance = fam##_null_deviance, \
	.row_const = rowc, .pearson = fam##_##lk##_pearson, .extra_params = extra }

GLM(binomial, probit, "binomial", "probit", "0 or 1 (or a boolean)", binomial_y_ok, binomial_mu_ok, false, 0, NULL);
GLM(binomial, cloglog, "binomial", "cloglog", "0 or 1 (or a boolean)", binomial_y_ok, binomial_mu_ok, false, 0, NULL);
GLM(binomial, log, "binomial", "log", "0 or 1 (or a boolean)", binomial_y_ok, binomial_mu_ok, false, 0, NULL);
GLM(gaussian, log, "gaussian", "log", "a finite number", gaussian_y_ok, positive, true, 1, NULL);
GLM(gaussian, inverse, "gaussian", "inverse", "a finite number", gaussian_y_ok, gaussian_mu_ok, true, 1, NULL);
GLM(poisson, log, "poisson", "log", "a whole number >= 0", poisson_y_ok, positive, false, 0, poisson_const);
GLM(poisson, identity, "poisson", "identity", "a whole number >= 0", poisson_y_ok, positive, false, 0, poisson_const);
GLM(poisson, sqrt, "poisson", "sqrt", "a whole number >= 0", poisson_y_ok, positive, false, 0, poisson_const);
GLM(gamma, inverse, "gamma", "inverse", "a number > 0", positive_y, positive, true, 1, positive_const);
GLM(gamma, log, "gamma", "log", "a number > 0", positive_y, positive, true, 1, positive_const);
GLM(gamma, identity, "gamma", "identity", "a number > 0", positive_y, positive, true, 1, positive_const);
GLM(invgauss, invsq, "inverse_gaussian", "1/mu^2", "a number > 0", positive_y, positive, true, 1, positive_const);
GLM(invgauss, inverse, "inverse_gaussian", "inverse", "a number > 0", positive_y, positive, true, 1, positive_const);
GLM(invgauss, log, "inverse_gaussian", "log", "a number > 0", positive_y, positive, true, 1, positive_const);
GLM(invgauss, identity, "inverse_gaussian", "identity", "a number > 0", positive_y, positive, true, 1, positive_const);

/* in order: each family's canonical link first */
static const OomlFamily *const glm_families[] = {
	&binomial_probit, &binomial_cloglog, &binomial_log,
	&gaussian_log, &gaussian_inverse,
	&poisson_log, &poisson_identity, &poisson_sqrt,
	&gamma_inverse, &gamma_log, &gamma_identity,
	&invgauss_invsq, &invgauss_inverse, &invgauss_log, &invgauss_identity,
};

int
ooml_glm_family_count(void)
{
	return lengthof(glm_families);
}

const OomlFamily *
ooml_glm_family(int i)
{
	if (i < 0 || i >= (int) lengthof(glm_families))
		elog(ERROR, "ooml: unknown GLM family %d", i);
	return glm_families[i];
}
