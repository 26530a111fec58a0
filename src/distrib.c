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

/* Upper tail of the F distribution, for the F test of a regression. */
double
ooml_f_upper(double f, double df1, double df2)
{
	if (isnan(f) || !(df1 > 0.0) || !(df2 > 0.0))
		return NAN;
	return pf(f, df1, df2, 0, 0);
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

PG_FUNCTION_INFO_V1(ooml_f_p_value);

/* _f_p_value(f, df1, df2): upper tail probability of an F statistic. */
Datum
ooml_f_p_value(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(ooml_f_upper(PG_GETARG_FLOAT8(0), PG_GETARG_FLOAT8(1),
								  PG_GETARG_FLOAT8(2)));
}
