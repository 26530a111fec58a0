/*-------------------------------------------------------------------------
 *
 * rowread.c
 *	  Turn the SQL values of a row (scalars and arrays) into doubles.
 *
 * The training aggregate and the scoring functions read feature values
 * through these functions, so a column means the same thing to both.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_arg_kind);

/* Map a type (or a domain over it) to the way ooml reads it. */
OomlArgType
ooml_arg_type(Oid typid)
{
	switch (getBaseType(typid))
	{
		case FLOAT8OID:
			return OOML_ARG_FLOAT8;
		case FLOAT4OID:
			return OOML_ARG_FLOAT4;
		case INT2OID:
			return OOML_ARG_INT2;
		case INT4OID:
			return OOML_ARG_INT4;
		case INT8OID:
			return OOML_ARG_INT8;
		case NUMERICOID:
			return OOML_ARG_NUMERIC;
		case BOOLOID:
			return OOML_ARG_BOOL;
		case FLOAT8ARRAYOID:
			return OOML_ARG_FLOAT8_ARRAY;
		case FLOAT4ARRAYOID:
			return OOML_ARG_FLOAT4_ARRAY;
		default:
			return OOML_ARG_UNSET;
	}
}

bool
ooml_arg_is_array(OomlArgType t)
{
	return t == OOML_ARG_FLOAT8_ARRAY || t == OOML_ARG_FLOAT4_ARRAY;
}

/* Read a non-NULL scalar value as a double. */
double
ooml_read_scalar(Datum d, OomlArgType t)
{
	switch (t)
	{
		case OOML_ARG_FLOAT8:
			return DatumGetFloat8(d);
		case OOML_ARG_FLOAT4:
			return (double) DatumGetFloat4(d);
		case OOML_ARG_INT2:
			return (double) DatumGetInt16(d);
		case OOML_ARG_INT4:
			return (double) DatumGetInt32(d);
		case OOML_ARG_INT8:
			return (double) DatumGetInt64(d);
		case OOML_ARG_NUMERIC:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, d));
		case OOML_ARG_BOOL:
			return DatumGetBool(d) ? 1.0 : 0.0;
		default:
			elog(ERROR, "ooml: unexpected scalar argument type %d", (int) t);
	}
	return 0.0;					/* keep compiler quiet */
}

/* Copy n float8 or float4 values from src (not necessarily aligned) to dst. */
static void
copy_elements(double *dst, const char *src, int n, bool f8)
{
	if (f8)
		memcpy(dst, src, sizeof(float8) * n);
	else
		for (int i = 0; i < n; i++)
		{
			float4		f;

			memcpy(&f, src + sizeof(float4) * i, sizeof(float4));
			dst[i] = (double) f;
		}
}

/* ooml_read_values for a float8[] or float4[] value, without the finiteness check */
static OomlReadStatus
read_array(Datum d, bool f8, int width, double *dst, int *got)
{
	const char *v = ooml_array_values(d, f8 ? sizeof(float8) : sizeof(float4), got);
	ArrayType  *a;
	OomlReadStatus status = OOML_READ_OK;

	/* the array as it is in the row: no copy of it, even of a short one */
	if (v != NULL && *got == width)
	{
		copy_elements(dst, v, width, f8);
		return OOML_READ_OK;
	}

	/* compressed, toasted, with NULLs, or not of width values */
	a = DatumGetArrayTypeP(d);
	*got = ARR_NDIM(a) == 1 ? ARR_DIMS(a)[0] : 0;
	if (ARR_NDIM(a) != 1)
		status = OOML_READ_NOT_1D;
	else if (ARR_HASNULL(a))
		status = OOML_READ_NULL;
	else if (*got != width)
		status = OOML_READ_LENGTH;
	else
		copy_elements(dst, ARR_DATA_PTR(a), width, f8);
	if ((Pointer) a != DatumGetPointer(d))
		pfree(a);
	return status;
}

/*
 * Read a non-NULL value of a feature column into dst[0..width-1].  Returns
 * OOML_READ_OK, OOML_READ_NULL when an array holds a NULL (the row is to be
 * skipped), or the problem found; *got receives an array's length.  With
 * check_finite, NaN and infinities are problems too.  The
 * caller reports problems with ooml_read_error, so that the per-row path
 * never has to look up a column name.
 */
OomlReadStatus
ooml_read_values(Datum d, OomlArgType t, int width, double *dst, int *got,
				 bool check_finite)
{
	if (!ooml_arg_is_array(t))
	{
		dst[0] = ooml_read_scalar(d, t);
		*got = 1;
	}
	else
	{
		OomlReadStatus status = read_array(d, t == OOML_ARG_FLOAT8_ARRAY, width, dst, got);

		if (status != OOML_READ_OK)
			return status;
	}

	if (check_finite)
		for (int i = 0; i < width; i++)
			if (!isfinite(dst[i]))
				return isnan(dst[i]) ? OOML_READ_NAN : OOML_READ_INF;
	return OOML_READ_OK;
}

/* Report what ooml_read_values found wrong with a value of a column. */
void
ooml_read_error(OomlReadStatus status, const char *colname, int width, int got)
{
	switch (status)
	{
		case OOML_READ_NOT_1D:
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("array column \"%s\" holds a value that is not a one-dimensional array",
							colname),
					 errdetail("Feature arrays must be one-dimensional, of %d elements.", width)));
			break;
		case OOML_READ_LENGTH:
			ereport(ERROR,
					(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
					 errmsg("array column \"%s\" holds arrays of different lengths",
							colname),
					 errdetail("A row has %d elements where the model expects %d.",
							   got, width)));
			break;
		case OOML_READ_NAN:
		case OOML_READ_INF:
			ereport(ERROR,
					(errcode(ERRCODE_DATA_EXCEPTION),
					 errmsg("column \"%s\" contains %s", colname,
							status == OOML_READ_NAN ? "NaN" : "infinity"),
					 errdetail("ooml trains and scores on finite numbers only."),
					 errhint("Filter such rows out or replace the values, for example in a view.")));
			break;
		default:
			elog(ERROR, "ooml: unexpected read status %d", (int) status);
	}
}

/*
 * _arg_kind(type) returns 'scalar', 'array' or NULL: how ooml reads a
 * column of this type, if at all.  The driver uses it to check columns
 * before the first pass.
 */
Datum
ooml_arg_kind(PG_FUNCTION_ARGS)
{
	OomlArgType t = ooml_arg_type(PG_GETARG_OID(0));

	if (t == OOML_ARG_UNSET)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(ooml_arg_is_array(t) ? "array" : "scalar"));
}
