/*-------------------------------------------------------------------------
 *
 * vecops.c
 *	  Small vector helpers for the PL/pgSQL driver: the arithmetic of an
 *	  optimizer step between passes, and the change of coordinates between
 *	  the model's coefficients and those of standardized features.
 *
 * Standardized coordinates: with column means m_j and scales s_j,
 *	  gamma_j = beta_j s_j,  gamma_0 = beta_0 + sum_j m_j beta_j
 * (without an intercept, m = 0 and s_j is the root mean square).  The
 * objective is the same function in either coordinates; only its
 * conditioning differs, which is what gradient methods care about.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_axpy);
PG_FUNCTION_INFO_V1(ooml_vec_dot);
PG_FUNCTION_INFO_V1(ooml_to_std);
PG_FUNCTION_INFO_V1(ooml_from_std);
PG_FUNCTION_INFO_V1(ooml_grad_to_std);
PG_FUNCTION_INFO_V1(ooml_std_scales);

/*
 * The elements of float8[] argument argno, which must be one-dimensional and
 * without NULLs.  A negative *n accepts any length and sets *n to it;
 * otherwise the length must be *n.
 */
double *
ooml_float8_arg(FunctionCallInfo fcinfo, int argno, int *n)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(argno);
	int			len;

	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("vector arguments must be one-dimensional float8 arrays without NULLs")));
	len = ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
	if (*n >= 0 && len != *n)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("vector arguments differ in length (%d and %d)", *n, len)));
	*n = len;
	return (double *) ARR_DATA_PTR(a);
}

/* A float8[] of n doubles (empty for n = 0), in the current memory context. */
Datum
ooml_float8_array(const double *v, int n)
{
	Datum	   *d;

	if (n == 0)
		return PointerGetDatum(construct_empty_array(FLOAT8OID));
	d = palloc(sizeof(Datum) * n);
	for (int i = 0; i < n; i++)
		d[i] = Float8GetDatum(v[i]);
	return PointerGetDatum(construct_array(d, n, FLOAT8OID, sizeof(float8),
										   FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* _axpy(a, x, y) = a * x + y */
Datum
ooml_axpy(PG_FUNCTION_ARGS)
{
	double		a = PG_GETARG_FLOAT8(0);
	int			n = -1;
	double	   *x = ooml_float8_arg(fcinfo, 1, &n);
	double	   *y = ooml_float8_arg(fcinfo, 2, &n);
	double	   *r = palloc(sizeof(double) * Max(n, 1));

	for (int i = 0; i < n; i++)
		r[i] = a * x[i] + y[i];
	PG_RETURN_DATUM(ooml_float8_array(r, n));
}

/* _dot(x, y) */
Datum
ooml_vec_dot(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *x = ooml_float8_arg(fcinfo, 0, &n);
	double	   *y = ooml_float8_arg(fcinfo, 1, &n);

	PG_RETURN_FLOAT8(ooml_dot(x, y, n));
}

/*
 * Scales of the standardization: s_j (1 for a constant column) and m_j
 * (0 without an intercept, where s_j is the root mean square instead).
 */
static void
std_scales(const double *mean, const double *sd, int n, bool intercept,
		   double *m, double *s)
{
	for (int j = 0; j < n; j++)
	{
		if (intercept && j == 0)
		{
			m[j] = 0.0;
			s[j] = 1.0;
			continue;
		}
		m[j] = intercept ? mean[j] : 0.0;
		s[j] = intercept ? sd[j] : sqrt(sd[j] * sd[j] + mean[j] * mean[j]);
		if (!(s[j] > 0.0) || !isfinite(s[j]))
			s[j] = 1.0;
	}
}

typedef enum
{
	TO_STD,
	FROM_STD,
	GRAD_TO_STD
} StdMap;

/*
 * The block size of argument argno: the vectors hold blocks of that many
 * coefficients, each with its intercept first (a multinomial model's, one
 * per class); 0 means one block.
 */
static int
block_arg(FunctionCallInfo fcinfo, int argno, int n)
{
	int			b = PG_NARGS() > argno ? PG_GETARG_INT32(argno) : 0;

	if (b <= 0)
		return Max(n, 1);
	if (n % b != 0)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("vectors of %d values do not split into blocks of %d", n, b)));
	return b;
}

/* (v, mean, sd, intercept, block) -> v in the other coordinates, block by block */
static Datum
std_map(FunctionCallInfo fcinfo, StdMap map)
{
	int			n = -1;
	double	   *v = ooml_float8_arg(fcinfo, 0, &n);
	double	   *mean = ooml_float8_arg(fcinfo, 1, &n);
	double	   *sd = ooml_float8_arg(fcinfo, 2, &n);
	bool		intercept = PG_GETARG_BOOL(3);
	int			pb = block_arg(fcinfo, 4, n);
	double	   *m = palloc(sizeof(double) * Max(n, 1));
	double	   *s = palloc(sizeof(double) * Max(n, 1));
	double	   *r = palloc(sizeof(double) * Max(n, 1));

	for (int b = 0; b < n; b += pb)
	{
		double		acc = 0.0;

		std_scales(mean + b, sd + b, pb, intercept, m + b, s + b);
		for (int j = b; j < b + pb; j++)
		{
			if (intercept && j == b)
				continue;
			switch (map)
			{
				case TO_STD:
					r[j] = v[j] * s[j];
					acc += m[j] * v[j];
					break;
				case FROM_STD:
					r[j] = v[j] / s[j];
					acc -= m[j] * v[j] / s[j];
					break;
				case GRAD_TO_STD:
					r[j] = (v[j] - (intercept ? m[j] * v[b] : 0.0)) / s[j];
					break;
			}
		}
		if (intercept)
			r[b] = v[b] + (map == GRAD_TO_STD ? 0.0 : acc);
	}
	return ooml_float8_array(r, n);
}

/* _to_std(coef, mean, sd, intercept): coefficients -> standardized */
Datum
ooml_to_std(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(std_map(fcinfo, TO_STD));
}

/* _from_std(gamma, mean, sd, intercept): standardized -> coefficients */
Datum
ooml_from_std(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(std_map(fcinfo, FROM_STD));
}

/* _grad_to_std(grad, mean, sd, intercept): gradient in standardized coordinates */
Datum
ooml_grad_to_std(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATUM(std_map(fcinfo, GRAD_TO_STD));
}

/* _std_scales(mean, sd, intercept): the scales s_j of the standardization */
Datum
ooml_std_scales(PG_FUNCTION_ARGS)
{
	int			n = -1;
	double	   *mean = ooml_float8_arg(fcinfo, 0, &n);
	double	   *sd = ooml_float8_arg(fcinfo, 1, &n);
	double	   *m = palloc(sizeof(double) * Max(n, 1));
	double	   *s = palloc(sizeof(double) * Max(n, 1));

	int			pb = block_arg(fcinfo, 3, n);

	for (int b = 0; b < n; b += pb)
		std_scales(mean + b, sd + b, pb, PG_GETARG_BOOL(2), m + b, s + b);
	PG_RETURN_DATUM(ooml_float8_array(s, n));
}
