/*-------------------------------------------------------------------------
 *
 * distrib.c
 *	  Tail probabilities for the coefficient tests, from R's own
 *	  distribution functions (libRmath), so p-values agree with R's.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"

#define MATHLIB_STANDALONE
#include <Rmath.h>

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_p_value);

/*
 * Two-sided p-value of a test statistic: Student's t with df degrees of
 * freedom, or the standard normal when df is not a positive finite number.
 */
double
ooml_two_sided_p(double statistic, double df)
{
	if (isnan(statistic))
		return NAN;
	if (df > 0.0 && isfinite(df))
		return 2.0 * pt(-fabs(statistic), df, 1, 0);
	return 2.0 * pnorm(-fabs(statistic), 0.0, 1.0, 1, 0);
}

/*
 * p_value(statistic, df)
 *		Two-sided p-value; df NULL means the normal distribution.
 */
Datum
ooml_p_value(PG_FUNCTION_ARGS)
{
	double		df = PG_ARGISNULL(1) ? NAN : PG_GETARG_FLOAT8(1);

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(ooml_two_sided_p(PG_GETARG_FLOAT8(0), df));
}

PG_FUNCTION_INFO_V1(ooml_normal_quantile);

/* _normal_quantile(p): the standard normal quantile, for confidence intervals. */
Datum
ooml_normal_quantile(PG_FUNCTION_ARGS)
{
	double		p = PG_GETARG_FLOAT8(0);

	if (!(p > 0.0 && p < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("probability must lie strictly between 0 and 1")));
	PG_RETURN_FLOAT8(qnorm(p, 0.0, 1.0, 1, 0));
}
