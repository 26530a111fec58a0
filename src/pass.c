/*-------------------------------------------------------------------------
 *
 * pass.c
 *	  The training aggregate: one pass over the data.
 *
 *	  ooml.pass(seed ooml.state, target "any", VARIADIC features "any")
 *
 * The transition function reads a row, asks the model family for the
 * row's loss, derivative and curvature at the linear predictor, and adds
 * them into the state: the loss, the gradient and, for a Newton pass, the
 * Hessian.  The state is updated in place, so nothing is copied per row.
 * The combine function adds two states of the same pass; the final
 * function turns the sums into the objective, its gradient, the Newton
 * direction and, on request, the statistics of the fit.
 *
 * Nothing here knows about a particular family: that is family_*.c.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/expandeddatum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_pass_transfn);
PG_FUNCTION_INFO_V1(ooml_pass_combine);
PG_FUNCTION_INFO_V1(ooml_pass_final);

/* arguments of the transition function */
#define ARG_STATE	0
#define ARG_SEED	1
#define ARG_TARGET	2
#define ARG_FIRST_FEATURE 3

/* below this reciprocal condition number the Hessian is treated as singular */
#define OOML_RCOND_MIN	1e-13

/* The argument number of the first feature: after the weight, if any. */
static inline int
first_feature(const OomlState *st)
{
	return ARG_FIRST_FEATURE + ((st->flags & OOML_FLAG_WEIGHTS) ? 1 : 0) +
		((st->flags & OOML_FLAG_OFFSET) ? 1 : 0);
}

/* the argument number of the offset, and the name index of its column */
static inline int
offset_arg(const OomlState *st)
{
	return ARG_TARGET + 1 + ((st->flags & OOML_FLAG_WEIGHTS) ? 1 : 0);
}

static inline int
offset_name(const OomlState *st)
{
	return st->nargs + 1 + ((st->flags & OOML_FLAG_WEIGHTS) ? 1 : 0);
}

/* Is the aggregate calling us hashed (a state per group in memory at once)? */
static bool
hashed_aggregate(FunctionCallInfo fcinfo)
{
	AggState   *agg;

	if (!(fcinfo->context && IsA(fcinfo->context, AggState)))
		return false;
	agg = (AggState *) fcinfo->context;
	return agg->aggstrategy == AGG_HASHED || agg->aggstrategy == AGG_MIXED;
}

/*
 * Refuse a seed where a pass's state belongs: it has none of the sections
 * a pass sums into.
 */
static void
reject_seed(const OomlState *st, const char *func)
{
	if (st->flags & OOML_FLAG_SEED)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s got a seed, not the state of a pass", func),
				 errdetail("A seed, as ooml.make_state returns it, holds only what a pass starts from."),
				 errhint("Aggregate rows with ooml.pass(seed, ...) or ooml.pass_state(seed, ...).")));
}

/* Can an argument of type t be a row weight or an offset (a number)? */
static inline bool
numeric_arg(OomlArgType t)
{
	return t != OOML_ARG_UNSET && !ooml_arg_is_array(t) && t != OOML_ARG_BOOL;
}

/*
 * A pass's state while the aggregate runs, when it buffers large blocks of
 * rows (OOML_FLAG_BIG_BLOCKS): an expanded object (utils/expandeddatum.h)
 * that holds the state, row buffer and all, in a memory context of its
 * own, a child of the aggregate's.  The executor adopts such an object as
 * the transition value where it would copy a plain one, and flattens it
 * wherever the state leaves the aggregate: for the final function, as the
 * result of ooml.pass_state, and into the tuple a parallel worker sends its
 * leader.  Flattening first computes the rows still buffered, then leaves
 * out the row buffer and the scratch row: the flat state is packed
 * (OOML_FLAG_PACKED).  For 21 coefficients that is 672 bytes for a
 * gradient pass and 4.2 KB for a Newton pass, where the state with its
 * buffer takes 197 KB; and each parallel worker computes its own last rows
 * instead of handing them to the leader.
 */
typedef struct PassObject
{
	ExpandedObjectHeader hdr;
	OomlState  *st;
} PassObject;

static Size pass_object_flat_size(ExpandedObjectHeader *eohptr);
static void pass_object_flatten(ExpandedObjectHeader *eohptr,
								void *result, Size allocated_size);

static const ExpandedObjectMethods pass_object_methods = {
	pass_object_flat_size,
	pass_object_flatten
};

/*
 * Start a pass: copy the seed, zero the sums, and record how each argument
 * is read.  Returns the transition value.  A state that buffers large
 * blocks is made a PassObject, in a context under the aggregate's.  Any
 * other is made in the current (per-row) memory context: the executor
 * copies a new plain transition value into the aggregate's memory itself,
 * so allocating it there as well would keep two copies per group.
 */
static Datum
start_pass(FunctionCallInfo fcinfo)
{
	OomlState  *seed;
	OomlState  *st;
	OomlLayout	ls,
				l;
	int			flags;
	MemoryContext aggcxt;
	Datum		result;
	int32	   *types;
	int32	   *widths;
	Oid			typid;
	int			first;

	if (PG_ARGISNULL(ARG_SEED))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("the seed state of ooml.pass must not be NULL")));
	if (get_fn_expr_variadic(fcinfo->flinfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ooml.pass takes its features as separate arguments, not as a VARIADIC array")));

	seed = PG_GETARG_OOMLSTATE(ARG_SEED);
	ooml_state_check(seed, VARSIZE(seed));
	first = first_feature(seed);
	if (PG_NARGS() - first != seed->nargs)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ooml.pass got %d feature arguments, but its seed describes %d",
						PG_NARGS() - first, seed->nargs),
				 errdetail("The arguments are the seed, the target%s%s, then the features.",
						   (seed->flags & OOML_FLAG_WEIGHTS) ? ", the row weight" : "",
						   (seed->flags & OOML_FLAG_OFFSET) ? ", the offset" : "")));

	/*
	 * A gradient or Newton pass of one linear predictor buffers large
	 * blocks of rows, except under hashed aggregation (as in grouped
	 * training), which keeps a state per group in memory at once.  The
	 * seed is usually a seed (OOML_FLAG_SEED), but any state will do: the
	 * sections a pass starts from are copied from it one by one.
	 */
	ooml_layout(seed->kind, seed->flags, seed->nargs, seed->ncoef,
				seed->names_len, &ls);
	flags = seed->flags & ~(OOML_FLAG_BIG_BLOCKS | OOML_FLAG_SEED | OOML_FLAG_PACKED);
	if ((seed->kind == OOML_PASS_NEWTON || seed->kind == OOML_PASS_GRADIENT) &&
		!hashed_aggregate(fcinfo) &&
		ooml_family(seed->family)->row_multi == NULL)
		flags |= OOML_FLAG_BIG_BLOCKS;
	ooml_layout(seed->kind, flags, seed->nargs, seed->ncoef, seed->names_len, &l);
	if ((flags & OOML_FLAG_BIG_BLOCKS) && AggCheckCallContext(fcinfo, &aggcxt))
	{
		MemoryContext objcxt = AllocSetContextCreate(aggcxt, "ooml pass state",
													 ALLOCSET_SMALL_SIZES);
		PassObject *obj = MemoryContextAlloc(objcxt, sizeof(PassObject));

		EOH_init_header(&obj->hdr, &pass_object_methods, objcxt);
		obj->st = st = (OomlState *) MemoryContextAllocZero(objcxt, l.total);
		result = EOHPGetRWDatum(&obj->hdr);
	}
	else
	{
		st = (OomlState *) palloc0(l.total);
		result = PointerGetDatum(st);
	}
	memcpy(st, seed, offsetof(OomlState, data));
	memcpy((char *) st + l.widths, (char *) seed + ls.widths, l.coef - l.widths);
	memcpy((char *) st + l.coef, (char *) seed + ls.coef, sizeof(double) * seed->ncoef);
	memcpy((char *) st + l.pw, (char *) seed + ls.pw, sizeof(double) * seed->ncoef);
	if (l.ada)
		memcpy((char *) st + l.ada, (char *) seed + ls.ada, sizeof(double) * seed->ncoef);
	memcpy((char *) st + l.names, (char *) seed + ls.names, seed->names_len);
	SET_VARSIZE(st, l.total);
	st->flags = flags;
	ooml_state_reset(st);

	typid = get_fn_expr_argtype(fcinfo->flinfo, ARG_TARGET);
	st->target_type = ooml_arg_type(typid);
	if (st->target_type == OOML_ARG_UNSET || ooml_arg_is_array(st->target_type))
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("target column \"%s\" has type %s, which ooml cannot use as a target",
						ooml_state_name(st, 0), format_type_be(typid)),
				 errhint("A target must be boolean or numeric.")));

	st->weight_type = OOML_ARG_UNSET;
	if (st->flags & OOML_FLAG_WEIGHTS)
	{
		typid = get_fn_expr_argtype(fcinfo->flinfo, ARG_TARGET + 1);
		st->weight_type = ooml_arg_type(typid);
		if (!numeric_arg((OomlArgType) st->weight_type))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("weight column \"%s\" has type %s, which ooml cannot use as a weight",
							ooml_state_name(st, st->nargs + 1), format_type_be(typid)),
					 errhint("Row weights must be numeric.")));
	}

	if (st->flags & OOML_FLAG_OFFSET)
	{
		OomlArgType t;

		typid = get_fn_expr_argtype(fcinfo->flinfo, offset_arg(st));
		t = ooml_arg_type(typid);
		if (!numeric_arg(t))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("offset column \"%s\" has type %s, which ooml cannot use as an offset",
							ooml_state_name(st, offset_name(st)), format_type_be(typid)),
					 errhint("An offset must be numeric.")));
	}

	types = OOML_SECTION(st, l.types, int32);
	widths = OOML_SECTION(st, l.widths, int32);
	for (int i = 0; i < st->nargs; i++)
	{
		typid = get_fn_expr_argtype(fcinfo->flinfo, first + i);
		types[i] = ooml_arg_type(typid);
		if (types[i] == OOML_ARG_UNSET)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature column \"%s\" has type %s, which ooml cannot read",
							ooml_state_name(st, i + 1), format_type_be(typid)),
					 errhint("Features must be boolean, integer, float, numeric, or arrays of float4 or float8.")));
		if (!ooml_arg_is_array(types[i]) && widths[i] != 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("scalar feature column \"%s\" must have width 1",
							ooml_state_name(st, i + 1))));
	}
	return result;
}

/*
 * A boolean target as 0 or 1, without a branch: labels come in no order a
 * branch predictor could learn, and a mispredicted branch per row is a
 * measurable part of a pass.  GCC makes (double) DatumGetBool(d) a choice
 * between two constants, by a branch; this is arithmetic (the top bit of
 * d | -d is set exactly when d is not 0).
 */
static inline double
bool_as_double(Datum d)
{
	return (double) (int) ((d | (0 - d)) >> (sizeof(Datum) * BITS_PER_BYTE - 1));
}

/* Report a bad target value, naming the column and the rule. */
static void
bad_target(const OomlState *st, double y)
{
	const OomlFamily *fam = ooml_family(st->family);

	if (!isfinite(y))
		ooml_read_error(isnan(y) ? OOML_READ_NAN : OOML_READ_INF,
						ooml_state_name(st, 0), 1, 1);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("target column \"%s\" has the value %g", ooml_state_name(st, 0), y),
			 errdetail("Target values of the %s family must be %s.",
					   fam->name, fam->target_rule)));
}

/*
 * Rows a state computes as a block (compute_block), given its number of
 * linear predictors: 0 when it computes each row as it comes.
 */
static inline int
block_rows(const OomlState *st, int nlp)
{
	return nlp == 1 ? ooml_block_rows(st->kind, st->flags, st->ncoef) : 0;
}

/*
 * The rows that take the transition function's short path: buffered for a
 * block, without weight, offset or moments, the target a boolean the family
 * always accepts or a float8 of a family of 0/1 targets, the features
 * float8 columns or one float8[].
 */
#define QUICK_NONE		0
#define QUICK_COLUMNS	1
#define QUICK_ARRAY		2

/* the header fields the cache depends on: version through target_type */
#define LAYOUT_KEY_START	offsetof(OomlState, version)
#define LAYOUT_KEY_LEN		(offsetof(OomlState, nbuf) - LAYOUT_KEY_START)

/*
 * The layout of the state at hand, cached in fn_extra for the state it was
 * computed for (the state is updated in place, so every row after the
 * first hits the cache; without a cache it is merely recomputed).
 */
typedef struct LayoutCache
{
	const OomlState *st;
	/* the header it was computed for: a pointer may be reused by another state */
	char		key[LAYOUT_KEY_LEN];
	OomlLayout	l;
	const OomlFamily *fam;		/* the state's family */
	bool		all_float8;		/* every feature argument is a float8 */
	bool		bool_target_ok; /* a boolean target is always valid */
	int			nlp;			/* linear predictors per row (multinomial) */
	int			pb;				/* coefficients per predictor */
	int			brows;			/* multinomial Newton: rows buffered per fold */
	int			block;			/* rows computed as a block (0: one by one) */
	int			quick;			/* QUICK_*: whether rows take the short path */
	double	   *scratch;		/* nlp > 1: eta, dloss, curvature and values of a row */
	int			ncall;			/* the call's arguments, and how each is read */
	OomlArgType *call_types;
} LayoutCache;

/*
 * Does the call pass the arguments st was made for?  A pass's state is made
 * by start_pass from the call's own arguments, but a state can also come
 * from an aggregate's INITCOND (any state that passes ooml_state_check), and
 * the rows are read as the state says: a float8 read as an array would be
 * followed as a pointer.
 */
static void
check_call(const LayoutCache *c, const OomlState *st, const int32 *types)
{
	int			first = first_feature(st);
	bool		ok;

	ok = c->ncall == first + st->nargs &&
		st->target_type != OOML_ARG_UNSET &&
		c->call_types[ARG_TARGET] == (OomlArgType) st->target_type &&
		(!(st->flags & OOML_FLAG_WEIGHTS) ||
		 (numeric_arg(c->call_types[ARG_TARGET + 1]) &&
		  c->call_types[ARG_TARGET + 1] == (OomlArgType) st->weight_type)) &&
		(!(st->flags & OOML_FLAG_OFFSET) || numeric_arg(c->call_types[offset_arg(st)]));
	for (int i = 0; ok && i < st->nargs; i++)
		ok = types[i] != OOML_ARG_UNSET && c->call_types[first + i] == (OomlArgType) types[i];
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("ooml.pass_transfn got a state made for other arguments"),
				 errdetail("The state takes a target%s%s and %d feature argument%s of the types it was made for; the call passes %d argument%s after the state and the seed.",
						   (st->flags & OOML_FLAG_WEIGHTS) ? ", a row weight" : "",
						   (st->flags & OOML_FLAG_OFFSET) ? ", an offset" : "",
						   st->nargs, st->nargs == 1 ? "" : "s",
						   c->ncall - ARG_TARGET, c->ncall - ARG_TARGET == 1 ? "" : "s"),
				 errhint("Start a pass from a seed, as ooml.pass does: ooml.pass(ooml.make_state(...), target, features).")));
}

/* Fill the cache for st: layout_of's slow path, out of line. */
static pg_noinline LayoutCache *
layout_compute(FunctionCallInfo fcinfo, const OomlState *st)
{
	LayoutCache *c = (LayoutCache *) fcinfo->flinfo->fn_extra;
	const int32 *types;

	reject_seed(st, "ooml.pass_transfn");
	if (st->flags & OOML_FLAG_PACKED)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ooml.pass_transfn got a packed state, which takes no rows"),
				 errdetail("A packed state, as a pass hands it on, has no row buffer."),
				 errhint("Use it as the seed of a pass: ooml.pass(state, ...).")));
	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(LayoutCache));
		c->ncall = PG_NARGS();
		c->call_types = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
										   sizeof(OomlArgType) * c->ncall);
		for (int i = 0; i < c->ncall; i++)
			c->call_types[i] = ooml_arg_type(get_fn_expr_argtype(fcinfo->flinfo, i));
		fcinfo->flinfo->fn_extra = c;
	}
	ooml_layout(st->kind, st->flags, st->nargs, st->ncoef, st->names_len, &c->l);
	types = OOML_SECTION(st, c->l.types, const int32);
	check_call(c, st, types);
	c->all_float8 = true;
	for (int i = 0; i < st->nargs; i++)
		if (types[i] != OOML_ARG_FLOAT8)
			c->all_float8 = false;
	c->fam = ooml_family(st->family);
	c->bool_target_ok = st->target_type == OOML_ARG_BOOL &&
		ooml_valid_target(c->fam, 0.0) && ooml_valid_target(c->fam, 1.0);
	c->nlp = ooml_state_predictors(st, &c->l);
	c->pb = st->ncoef / c->nlp;
	c->brows = ooml_newton_block_rows(st->ncoef, st->flags, c->nlp);
	c->block = block_rows(st, c->nlp);
	c->quick = QUICK_NONE;
	if (c->block > 0 && c->l.sumx == 0 &&
		(st->flags & (OOML_FLAG_WEIGHTS | OOML_FLAG_OFFSET)) == 0 &&
		(c->bool_target_ok ||
		 (st->target_type == OOML_ARG_FLOAT8 && c->fam->binary_target)))
	{
		if (c->all_float8)
			c->quick = QUICK_COLUMNS;
		else if (st->nargs == 1 && types[0] == OOML_ARG_FLOAT8_ARRAY)
			c->quick = QUICK_ARRAY;
	}
	if (c->nlp > 1)
	{
		if (c->scratch)
			pfree(c->scratch);
		c->scratch = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
										sizeof(double) * (2 * (Size) c->nlp +
														  (Size) c->nlp * (c->nlp + 1) / 2 + c->pb));
	}
	c->st = st;
	memcpy(c->key, (const char *) st + LAYOUT_KEY_START, LAYOUT_KEY_LEN);
	return c;
}

/* Was the cache c computed for st? */
static inline bool
layout_cached(const LayoutCache *c, const OomlState *st)
{
	return c != NULL && c->st == st &&
		memcmp(c->key, (const char *) st + LAYOUT_KEY_START, LAYOUT_KEY_LEN) == 0;
}

/* The layout of st (lc->l), from the cache when it was computed for st. */
static inline LayoutCache *
layout_of(FunctionCallInfo fcinfo, const OomlState *st)
{
	LayoutCache *c = (LayoutCache *) fcinfo->flinfo->fn_extra;

	if (unlikely(!layout_cached(c, st)))
		c = layout_compute(fcinfo, st);
	return c;
}

/* Report the first non-finite feature value of a row (the slow path). */
static void
check_finite_row(const OomlState *st, const OomlLayout *l, const double *xf)
{
	const int32 *widths = OOML_SECTION(st, l->widths, const int32);
	int			k = 0;

	for (int i = 0; i < st->nargs; i++)
	{
		for (int j = 0; j < widths[i]; j++, k++)
			if (!isfinite(xf[k]))
				ooml_read_error(isnan(xf[k]) ? OOML_READ_NAN : OOML_READ_INF,
								ooml_state_name(st, i + 1), widths[i], widths[i]);
	}
}

/*
 * Copy the values of n float8 arguments to x; returns whether any of them
 * is NULL.  This is the per-row cost of the column layout, so it moves
 * four arguments a step: a NullableDatum is 16 bytes, the value in the low
 * half and the isnull flag in the first byte of the high half (the other
 * bytes are padding, with anything in them).  The transition function's
 * AVX2 clone does a step in 256-bit registers (measured: a 20-column
 * gradient pass 2-3 ms faster than two arguments per SSE2 instruction).
 */
static pg_attribute_always_inline bool
copy_float8_args(const NullableDatum *restrict args, double *restrict x, int n)
{
	int			i = 0;
	bool		anynull = false;

#if defined(__GNUC__) && !defined(__clang__) && SIZEOF_DATUM == 8
	/*
	 * GCC's generic vectors: four arguments per step, in whatever registers
	 * the function's clone has (two 128-bit halves on the x86-64 baseline,
	 * one 256-bit register with AVX2).
	 */
	typedef int64 v4i64 __attribute__((vector_size(32), aligned(8)));
	v4i64		flags = {0, 0, 0, 0};

	StaticAssertStmt(sizeof(NullableDatum) == 16 &&
					 offsetof(NullableDatum, isnull) == 8,
					 "NullableDatum is not a value and a flag in 16 bytes");
	for (; i + 4 <= n; i += 4)
	{
		v4i64		a = *(const v4i64 *) (args + i);	/* value, flag, value, flag */
		v4i64		b = *(const v4i64 *) (args + i + 2);

		*(v4i64 *) (x + i) = __builtin_shuffle(a, b, (v4i64) {0, 2, 4, 6});
		flags |= __builtin_shuffle(a, b, (v4i64) {1, 5, 3, 7});
	}
	/* keep the isnull bytes, drop the padding */
	flags &= 0xff;
	anynull = (flags[0] | flags[1] | flags[2] | flags[3]) != 0;
#endif
	/* one test for the row, not a branch per value */
	for (; i < n; i++)
	{
		anynull |= args[i].isnull;
		x[i] = DatumGetFloat8(args[i].value);
	}
	return anynull;
}

/*
 * Copy the values of a float8[] argument of n values to x; returns false
 * when the array has a NULL.  Even this is copied: copying keeps many loads
 * of the tuple in flight, where computing on the tuple directly waits for
 * each (measured: a pass is ~15% faster this way).
 */
static pg_attribute_always_inline bool
copy_float8_array(const OomlState *st, Datum d, int n, double *restrict x)
{
	const char *v;
	int			got;
	OomlReadStatus status;

	v = ooml_array_values(d, sizeof(double), &got);
	if (likely(v != NULL && got == n))
	{
		memcpy(x, v, sizeof(double) * n);
		return true;
	}

	/* compressed, toasted, with NULLs, or not of n values: out of line */
	status = ooml_read_values(d, OOML_ARG_FLOAT8_ARRAY, n, x, &got, false);
	if (status == OOML_READ_NULL)
		return false;
	if (status != OOML_READ_OK)
		ooml_read_error(status, ooml_state_name(st, 1), n, got);
	return true;
}

/* read_row for features of other types, or several arrays: out of line */
static pg_noinline const double *
read_row_general(FunctionCallInfo fcinfo, OomlState *st, const OomlLayout *l,
				 double *x)
{
	const int32 *widths = OOML_SECTION(st, l->widths, const int32);
	const int32 *types = OOML_SECTION(st, l->types, const int32);
	int			first = first_feature(st);
	int			k = 0;

	for (int i = 0; i < st->nargs; i++)
	{
		Datum		d = PG_GETARG_DATUM(first + i);
		int			got;
		OomlReadStatus status;

		if (PG_ARGISNULL(first + i))
			return NULL;
		if (ooml_read_common(d, (OomlArgType) types[i], x + k))
		{
			k++;
			continue;
		}
		status = ooml_read_values(d, (OomlArgType) types[i], widths[i], x + k,
								  &got, false);
		if (status == OOML_READ_NULL)
			return NULL;
		if (status != OOML_READ_OK)
			ooml_read_error(status, ooml_state_name(st, i + 1), widths[i], got);
		k += widths[i];
	}
	return x;
}

/*
 * Read a row's feature values into x.  Returns x, or NULL when the row is
 * to be skipped for a NULL.  Values are not checked for finiteness here:
 * the caller does that once for the whole row.
 */
static pg_attribute_always_inline const double *
read_row(FunctionCallInfo fcinfo, OomlState *st, const OomlLayout *l, double *x,
		 bool all_float8)
{
	const int32 *widths = OOML_SECTION(st, l->widths, const int32);
	const int32 *types = OOML_SECTION(st, l->types, const int32);
	int			first = first_feature(st);

	/* features in separate float8 columns: the tightest loop */
	if (all_float8)
		return copy_float8_args(fcinfo->args + first, x, st->nargs) ? NULL : x;

	if (st->nargs == 1 && types[0] == OOML_ARG_FLOAT8_ARRAY)
	{
		if (PG_ARGISNULL(first))
			return NULL;
		return copy_float8_array(st, PG_GETARG_DATUM(first), widths[0], x) ? x : NULL;
	}

	return read_row_general(fcinfo, st, l, x);
}

/*
 * One step of stochastic gradient descent on one row (Bismarck): the
 * gradient of the row's loss plus the ridge term, an AdaGrad step per
 * coordinate, the l1 term by its proximal map (soft thresholding), and the
 * running average of the iterates, which is what the pass returns.  dl is
 * the row's weight times dloss/deta.
 */
static void
sgd_step(OomlState *st, const OomlLayout *l, const double *xf, int off, int pb,
		 int q, const double *dl)
{
	double	   *restrict beta = OOML_SECTION(st, l->coef, double);
	double	   *restrict avg = OOML_SECTION(st, l->avg, double);
	double	   *restrict ada = OOML_SECTION(st, l->ada, double);
	const double *restrict pw = OOML_SECTION(st, l->pw, const double);
	double		k = (double) st->n_rows;

	/* q blocks of pb coefficients, block c driven by dl[c] (q = 1 mostly) */
	for (int c = 0, j0 = 0; c < q; c++, j0 += pb)
	{
		for (int jj = 0; jj < pb; jj++)
		{
			int			j = j0 + jj;
			double		xj = jj < off ? 1.0 : xf[jj - off];
			double		g = dl[c] * xj + st->l2 * pw[j] * beta[j];
			double		step;

			ada[j] += g * g;
			step = st->lr / (sqrt(ada[j]) + 1e-12);
			beta[j] -= step * g;
			if (st->l1 > 0.0 && pw[j] > 0.0)
			{
				double		t = step * st->l1 * sqrt(pw[j]);

				beta[j] = beta[j] > t ? beta[j] - t : beta[j] < -t ? beta[j] + t : 0.0;
			}
			avg[j] += (beta[j] - avg[j]) / k;
		}
	}
}

/*
 * g += c [1, x]: a row's gradient term, c being its weight times dloss/deta,
 * into one block of coefficients (the intercept first when off is 1).
 */
static inline void
add_gradient(double *restrict g, int off, const double *restrict x, int nf, double c)
{
	if (off)
		g[0] += c;
	for (int j = 0; j < nf; j++)
		g[off + j] += c * x[j];
}

/* A row's weighted first and second moments, into the state's sums. */
static inline void
add_moments(OomlState *st, const OomlLayout *l, const double *x, int off, int nf, double w)
{
	double	   *restrict sumx = OOML_SECTION(st, l->sumx, double);
	double	   *restrict sumxx = OOML_SECTION(st, l->sumxx, double);

	if (off)
	{
		sumx[0] += w;
		sumxx[0] += w;
	}
	for (int j = 0; j < nf; j++)
	{
		sumx[off + j] += w * x[j];
		sumxx[off + j] += w * x[j] * x[j];
	}
}

/* Count m rows used and add their targets' sums (y and w m values each). */
static inline void
add_sums(OomlState *st, const OomlFamily *fam, const double *restrict y,
		 const double *restrict w, int m)
{
	/* sums in registers: the state's fields would chain every row through memory */
	double		sw = 0.0,
				swy = 0.0,
				swyy = 0.0;

	for (int i = 0; i < m; i++)
	{
		sw += w[i];
		swy += w[i] * y[i];
		swyy += w[i] * y[i] * y[i];
	}
	st->n_rows += m;
	st->sum_w += sw;
	st->sum_wy += swy;
	st->sum_wyy += swyy;
	if (fam->row_const)
	{
		double		s1 = 0.0,
					s2 = 0.0;

		for (int i = 0; i < m; i++)
		{
			double		c1,
						c2;

			fam->row_const(y[i], &c1, &c2);
			s1 += w[i] * c1;
			s2 += w[i] * c2;
		}
		st->ll_const += s1;
		st->aux += s2;
	}
}

/*
 * Compute m buffered rows of a state of one linear predictor: the rows
 * (m x ncoef, intercept first, one after the other; overwritten) and their
 * targets, weights and offsets (pend, stride apart).  In chunks of
 * OOML_QR_BLOCK rows: the rows' linear predictors from one BLAS dgemv, the
 * family's view of each row, and their gradient terms from a second dgemv.
 * The rows are independent, so their steps overlap, where a row computed
 * on its own waits for each step of its chain.  For a Newton pass each row
 * is then scaled by sqrt(w d2loss), and one dsyrk over all m rows adds
 * their Hessian terms.
 */
static void
compute_block(OomlState *st, const OomlLayout *l, double *rows,
			  const double *pend, int stride, int m)
{
	const OomlFamily *fam = ooml_family(st->family);
	int			p = st->ncoef;
	int			off = (st->flags & OOML_FLAG_INTERCEPT) ? 1 : 0;
	bool		pearson = (st->flags & OOML_FLAG_STATS) && fam->pearson != NULL;
	const double *coef = OOML_SECTION(st, l->coef, const double);
	double	   *grad = OOML_SECTION(st, l->grad, double);
	double		eta[OOML_QR_BLOCK];
	double		loss[OOML_QR_BLOCK];
	double		c[OOML_QR_BLOCK];
	double		s[OOML_QR_BLOCK];
	double		lsum = 0.0;

	Assert(m <= stride);
	if (m <= 0)
		return;

	for (int start = 0; start < m; start += OOML_QR_BLOCK)
	{
		int			n = Min(OOML_QR_BLOCK, m - start);
		double	   *r = rows + (Size) start * p;
		const double *y = pend + start;
		const double *w = pend + stride + start;
		const double *offset = pend + 2 * stride + start;

		add_sums(st, fam, y, w, n);
		ooml_rows_dot(p, n, r, coef, eta);
		for (int i = 0; i < n; i++)
		{
			/*
			 * A NaN or infinite feature makes the linear predictor
			 * non-finite whatever the weights (0 * inf is NaN), so it
			 * doubles as the row's finiteness check.
			 */
			if (!isfinite(eta[i]))
				check_finite_row(st, l, r + (Size) i * p + off);
			eta[i] += offset[i];
		}
		if (pearson)
			for (int i = 0; i < n; i++)
				st->pearson += w[i] * fam->pearson(y[i], eta[i]);

		/* the family's view of the rows: loss, dloss (in c), curvature (in s) */
		if (fam->rows)
			st->n_boundary += fam->rows(n, y, eta, loss, c, s);
		else
			for (int i = 0; i < n; i++)
			{
				fam->row(y[i], eta[i], &loss[i], &c[i], &s[i]);
				if (fam->at_boundary && fam->at_boundary(eta[i]))
					st->n_boundary++;
			}
		for (int i = 0; i < n; i++)
		{
			lsum += w[i] * loss[i];
			c[i] *= w[i];
		}
		ooml_rows_axpy(p, n, r, c, grad);

		/* Newton: each row scaled by sqrt(w d2loss), for the dsyrk below */
		if (l->hess)
			for (int i = 0; i < n; i++)
			{
				double	   *restrict ri = r + (Size) i * p;
				double		si = s[i] > 0.0 ? sqrt(w[i] * s[i]) : 0.0;

				for (int j = 0; j < p; j++)
					ri[j] *= si;
			}
	}

	st->loss += lsum;

	/*
	 * One dsyrk for all the rows.  With the table in shared buffers, BLAS
	 * calls between every few rows cost a pass far more than their
	 * arithmetic: over 1M rows x 21, a Newton pass took 137 ms folding 64
	 * rows per call and 96 ms folding 1024, and a gradient pass 80 ms
	 * computing 64 rows at a time and 69 ms computing 1024 in bursts of
	 * 64 (the scan alone, 52 ms).  So a state buffers many rows (ooml.h).
	 */
	if (l->hess)
		ooml_syrk_add(p, OOML_SECTION(st, l->hess, double), rows, m);
}

/*
 * The block size of a state of one linear predictor that still buffers
 * rows to compute; 0 when it has none.
 */
static inline int
pending_block(const OomlState *st, const OomlLayout *l)
{
	return st->nbuf > 0 ? block_rows(st, ooml_state_predictors(st, l)) : 0;
}

/*
 * Compute the rows a state of one linear predictor still buffers: dst's
 * own (src == dst), or those of src, a state of the same pass, into dst.
 */
static void
compute_pending(OomlState *dst, const OomlState *src, const OomlLayout *l)
{
	int			b = pending_block(src, l);
	Size		nval = (Size) src->nbuf * src->ncoef;

	if (b == 0)
		return;
	if (src == dst)
	{
		compute_block(dst, l, OOML_SECTION(dst, l->qbuf, double),
					  OOML_SECTION(dst, l->pend, const double), b, dst->nbuf);
		dst->nbuf = 0;
	}
	else
	{
		/* compute_block overwrites the rows: src's stay as they are */
		double	   *rows = palloc(sizeof(double) * nval);

		memcpy(rows, OOML_SECTION(src, l->qbuf, const double), sizeof(double) * nval);
		compute_block(dst, l, rows, OOML_SECTION(src, l->pend, const double), b, src->nbuf);
		pfree(rows);
	}
}

/*
 * Compute the rows a PassObject's state still buffers (which changes its
 * sums, not its value) and return the size of the state packed: every
 * section before the buffer.
 */
static Size
pass_object_settle(ExpandedObjectHeader *eohptr, OomlState **stp)
{
	OomlState  *st = ((PassObject *) eohptr)->st;
	OomlLayout	l;

	ooml_layout(st->kind, st->flags, st->nargs, st->ncoef, st->names_len, &l);
	compute_pending(st, st, &l);
	*stp = st;
	return l.buffer;
}

/* The flat size of a PassObject: that of its state packed. */
static Size
pass_object_flat_size(ExpandedObjectHeader *eohptr)
{
	OomlState  *st;

	return pass_object_settle(eohptr, &st);
}

/* Flatten a PassObject: its state packed (settled already if the size was asked). */
static void
pass_object_flatten(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	OomlState  *st;
	OomlState  *flat = (OomlState *) result;
	Size		size = pass_object_settle(eohptr, &st);

	if (allocated_size != size)
		elog(ERROR, "ooml pass state flattened into %zu bytes, needs %zu",
			 allocated_size, size);
	memcpy(flat, st, size);
	flat->flags = (st->flags & ~OOML_FLAG_BIG_BLOCKS) | OOML_FLAG_PACKED;
	SET_VARSIZE(flat, size);
}

/*
 * Fold m buffered rows of a state with q > 1 linear predictors into its
 * Hessian (ncoef = q pb): xs holds the rows' pb values, ws their w times
 * curvature (packed upper triangles).  Block (k, l) of the Hessian gets
 * sum_i ws_i[k, l] x_i x_i': one BLAS dsyrk per block and sign, of the rows
 * scaled by sqrt(|ws_i[k, l]|) -- pb^2/2 multiply-adds a row per block, not
 * the (q pb)^2/2 of a rank-one update of the whole matrix.  Only the upper
 * triangle of each block is written (full_hessian mirrors the rest).
 */
static void
multi_fold(int ncoef, int q, double *hess, const double *xs, const double *ws, int m)
{
	int			pb = ncoef / q;
	int			npair = q * (q + 1) / 2;
	double	   *sc;

	if (m <= 0)
		return;

	/*
	 * Few values a row: BLAS calls on pb x pb blocks cost more than they
	 * compute; add the products directly
	 */
	if (pb < 8)
	{
		for (int i = 0; i < m; i++)
		{
			const double *x = xs + (Size) i * pb;
			const double *w = ws + (Size) i * npair;

			for (int lq = 0; lq < q; lq++)
				for (int k = 0; k <= lq; k++)
				{
					double		wk = w[lq * (lq + 1) / 2 + k];
					double	   *c = hess + (Size) lq * pb * ncoef + (Size) k * pb;

					if (wk == 0.0)
						continue;
					for (int b = 0; b < pb; b++)
					{
						double		wb = wk * x[b];

						for (int a = 0; a <= b; a++)
							c[(Size) b * ncoef + a] += wb * x[a];
					}
				}
			if ((i & 63) == 63)
				CHECK_FOR_INTERRUPTS();
		}
		return;
	}

	sc = palloc(sizeof(double) * (Size) m * pb);
	for (int lq = 0; lq < q; lq++)
		for (int k = 0; k <= lq; k++)
		{
			int			pi = lq * (lq + 1) / 2 + k;
			double	   *c = hess + (Size) lq * pb * ncoef + (Size) k * pb;

			bool		pos = false,
						neg = false;

			/* the multinomial's diagonal blocks are >= 0, the others <= 0 */
			for (int i = 0; i < m; i++)
			{
				pos |= ws[(Size) i * npair + pi] > 0.0;
				neg |= ws[(Size) i * npair + pi] < 0.0;
			}
			for (int sign = 1; sign >= -1; sign -= 2)
			{
				if (!(sign > 0 ? pos : neg))
					continue;
				for (int i = 0; i < m; i++)
				{
					double		v = sign * ws[(Size) i * npair + pi];
					double		r = v > 0.0 ? sqrt(v) : 0.0;

					for (int j = 0; j < pb; j++)
						sc[(Size) i * pb + j] = r * xs[(Size) i * pb + j];
				}
				ooml_syrk_add_block(pb, c, ncoef, sc, m, (double) sign);
			}
		}
	pfree(sc);
}

/*
 * Fold the rows a multinomial Newton state still buffers into the Hessian
 * hess (a state of one linear predictor has its pending rows computed by
 * compute_pending instead).
 */
static void
fold_pending(const OomlState *st, const OomlLayout *l, double *hess)
{
	int			q = ooml_state_predictors(st, l);
	const double *qb = OOML_SECTION(st, l->qbuf, const double);

	if (q > 1)
		multi_fold(st->ncoef, q, hess, qb,
				   qb + (Size) ooml_newton_block_rows(st->ncoef, st->flags, q) * (st->ncoef / q),
				   st->nbuf);
}

/*
 * A row of a family with q > 1 linear predictors (multinomial): block k of
 * the coefficients gives predictor k.  The gradient gets dloss_k x in
 * block k; the Hessian, block (k, l), gets curvature_kl x x' (multi_fold).
 */
static void
multi_row(OomlState *st, const OomlLayout *l, LayoutCache *lc, const double *xf,
		  int off, double y, double w, double offset)
{
	const OomlFamily *fam = ooml_family(st->family);
	int			q = lc->nlp;
	int			pb = lc->pb;
	int			nf = pb - off;
	const double *coef = OOML_SECTION(st, l->coef, const double);
	double	   *eta = lc->scratch;
	double	   *d1 = eta + q;
	double	   *curv = d1 + q;
	double		loss;

	if (y > q)
		bad_target(st, y);
	for (int k = 0; k < q; k++)
	{
		const double *b = coef + (Size) k * pb;

		eta[k] = (off ? b[0] : 0.0) + ooml_dot(b + off, xf, nf);
		if (!isfinite(eta[k]))
			check_finite_row(st, l, xf);
		eta[k] += offset;
	}
	fam->row_multi(q, (int) y, eta, &loss, d1, l->hess ? curv : NULL);
	st->loss += w * loss;

	if (st->kind == OOML_PASS_SGD)
	{
		for (int k = 0; k < q; k++)
			d1[k] *= w;
		sgd_step(st, l, xf, off, pb, q, d1);
		return;
	}

	for (int k = 0; k < q; k++)
		add_gradient(OOML_SECTION(st, l->grad, double) + (Size) k * pb, off, xf, nf, w * d1[k]);

	if (l->hess)
	{
		/* buffer the row's values and w times its curvature; fold a block */
		int			npair = q * (q + 1) / 2;
		double	   *qb = OOML_SECTION(st, l->qbuf, double);
		double	   *xrow;
		double	   *wrow;

		if (lc->brows > 0)
		{
			xrow = qb + (Size) st->nbuf * pb;
			wrow = qb + (Size) lc->brows * pb + (Size) st->nbuf * npair;
		}
		else
		{
			xrow = curv + npair;	/* no row fits the buffer: fold it now */
			wrow = curv;
		}
		if (off)
			xrow[0] = 1.0;
		memcpy(xrow + off, xf, sizeof(double) * nf);
		for (int i = 0; i < npair; i++)
			wrow[i] = w * curv[i];
		if (lc->brows == 0)
			multi_fold(st->ncoef, q, OOML_SECTION(st, l->hess, double), xrow, wrow, 1);
		else if (++st->nbuf == lc->brows)
		{
			multi_fold(st->ncoef, q, OOML_SECTION(st, l->hess, double), qb,
					   qb + (Size) lc->brows * pb, lc->brows);
			st->nbuf = 0;
		}
	}

	/* the moments of the features, in the first block */
	if (l->sumx)
		add_moments(st, l, xf, off, nf, w);
}

/*
 * Add a row that is not buffered to the state: the transition function's
 * work for QR, multinomial and SGD passes and rows too wide to buffer.  x
 * is the row with its intercept slot (set), then its features.
 */
static pg_noinline OOML_ROW_CLONES void
compute_row(OomlState *st, LayoutCache *lc, double *x, double y, double w,
			double offset)
{
	const OomlLayout *l = &lc->l;
	const OomlFamily *fam = lc->fam;
	const double *coef;
	int			p = st->ncoef,
				off = (st->flags & OOML_FLAG_INTERCEPT) ? 1 : 0,
				nf = p - off;
	const double *xf = x + off;
	double		eta,
				loss,
				d1,
				d2;

	add_sums(st, fam, &y, &w, 1);

	if (st->kind == OOML_PASS_QR)
	{
		double		sw = sqrt(w);

		/* the QR pass wants the whole row, intercept first, in one place */
		for (int j = 0; j < p; j++)
			if (!isfinite(x[j]))
				check_finite_row(st, l, x + off);
		/* a weighted row is the row scaled by sqrt(w) */
		if (w != 1.0)
			for (int j = 0; j < p; j++)
				x[j] *= sw;
		ooml_qr_add_row(st, l, x, sw * y);
		return;
	}

	if (lc->nlp > 1)
	{
		multi_row(st, l, lc, xf, off, y, w, offset);
		return;
	}

	/*
	 * The linear predictor.  A NaN or infinite feature makes it non-finite
	 * whatever the weights (0 * inf is NaN), so it doubles as the row's
	 * finiteness check.
	 */
	coef = OOML_SECTION(st, l->coef, const double);
	eta = (off ? coef[0] : 0.0) + ooml_dot(coef + off, xf, nf);
	if (!isfinite(eta))
		check_finite_row(st, l, xf);
	eta += offset;
	if ((st->flags & OOML_FLAG_STATS) && fam->pearson)
		st->pearson += w * fam->pearson(y, eta);

	/* the family's view of the row */
	fam->row(y, eta, &loss, &d1, &d2);
	if (fam->at_boundary && fam->at_boundary(eta))
		st->n_boundary++;
	st->loss += w * loss;

	if (st->kind == OOML_PASS_SGD)
	{
		double		dl = w * d1;

		sgd_step(st, l, xf, off, p, 1, &dl);
		return;
	}

	/* a gradient pass over rows too wide to buffer */
	Assert(l->hess == 0);
	add_gradient(OOML_SECTION(st, l->grad, double), off, xf, nf, w * d1);

	if (l->sumx)
		add_moments(st, l, xf, off, nf, w);
}

/*
 * The state of a transition value: a PassObject's, or the value itself;
 * NULL if the value is neither.  This runs on every row.  A read-write expanded pointer is stored in its
 * object's header (EOHPGetRWDatum), so the object is found at a fixed
 * offset from the pointer, not by following the address the pointer holds
 * (which would be two dependent loads, the object's address and then its
 * state); the address it holds is still compared, so a value is taken for
 * a PassObject only if it is one.
 */
static inline OomlState *
state_of_value_or_null(Datum value)
{
	char	   *p = DatumGetPointer(value);

	if (VARATT_IS_EXTERNAL_EXPANDED_RW(p))
	{
		PassObject *obj = (PassObject *) (p - offsetof(PassObject, hdr.eoh_rw_ptr));
		varatt_expanded ptr;

		memcpy(&ptr, VARDATA_EXTERNAL(p), sizeof(ptr));
		if (unlikely(ptr.eohptr != &obj->hdr ||
					 obj->hdr.eoh_methods != &pass_object_methods))
			return NULL;
		return obj->st;
	}
	if (unlikely(VARATT_IS_EXTENDED(p)))
		return NULL;
	return (OomlState *) p;
}

/* state_of_value_or_null, which a value ooml did not make is an error to */
static inline OomlState *
state_of_value(Datum value)
{
	OomlState  *st = state_of_value_or_null(value);

	if (unlikely(st == NULL))
		elog(ERROR, "ooml_pass_transfn got a transition value it did not make");
	return st;
}

/*
 * Compute a state's full block of buffered rows, and return the transition
 * value: both paths of the transition function call this in tail position.
 */
static pg_noinline Datum
compute_full_block(OomlState *st, LayoutCache *lc, Datum result)
{
	compute_block(st, &lc->l, OOML_SECTION(st, lc->l.qbuf, double),
				  OOML_SECTION(st, lc->l.pend, double), lc->block, lc->block);
	st->nbuf = 0;
	return result;
}

/*
 * The transition function's path for every row that does not take the
 * short one (ooml_pass_transfn): the first row, rows with a weight or an
 * offset, rows computed one at a time, and every error.
 */
static pg_noinline OOML_ROW_CLONES Datum
pass_transfn_general(FunctionCallInfo fcinfo)
{
	OomlState  *st;
	Datum		result;
	const OomlLayout *l;
	LayoutCache *lc;
	double	   *x;
	int			off;
	double		y,
				w = 1.0,
				offset = 0.0;

	/* the state is updated in place: only ever inside an aggregate */
	if (!(fcinfo->context && IsA(fcinfo->context, AggState)) &&
		!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ooml_pass_transfn called in non-aggregate context")));

	if (PG_ARGISNULL(ARG_STATE))
		result = start_pass(fcinfo);
	else
		result = PG_GETARG_DATUM(ARG_STATE);
	st = state_of_value(result);

	/* a row with a NULL target or feature is skipped and counted */
	if (PG_ARGISNULL(ARG_TARGET))
	{
		st->n_skipped++;
		PG_RETURN_DATUM(result);
	}

	lc = layout_of(fcinfo, st);
	l = &lc->l;
	off = (st->flags & OOML_FLAG_INTERCEPT) ? 1 : 0;

	/* the row's values go to the block's next row, or to the scratch row */
	if (lc->block > 0)
		x = OOML_SECTION(st, l->qbuf, double) + (Size) st->nbuf * st->ncoef;
	else
		x = OOML_SECTION(st, l->xbuf, double);
	if (read_row(fcinfo, st, l, x + off, lc->all_float8) == NULL)
	{
		st->n_skipped++;
		PG_RETURN_DATUM(result);
	}
	if (off)
		x[0] = 1.0;				/* the whole row [1, x], for a block or QR */

	/* the row weight: NULL skips the row, 0 leaves it out, < 0 is an error */
	if (st->flags & OOML_FLAG_WEIGHTS)
	{
		if (PG_ARGISNULL(ARG_TARGET + 1))
		{
			st->n_skipped++;
			PG_RETURN_DATUM(result);
		}
		w = ooml_read_scalar(PG_GETARG_DATUM(ARG_TARGET + 1),
							 (OomlArgType) st->weight_type);
		if (!(w >= 0.0) || isinf(w))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weight column \"%s\" has the value %g",
							ooml_state_name(st, st->nargs + 1), w),
					 errdetail("Row weights must be finite numbers >= 0.")));
		if (w == 0.0)
			PG_RETURN_DATUM(result);
	}

	/*
	 * The target.  A boolean one is converted without a branch: labels come
	 * in no order a branch predictor could learn, and a mispredicted branch
	 * per row is a measurable part of a pass.
	 */
	if (lc->bool_target_ok)
		y = bool_as_double(PG_GETARG_DATUM(ARG_TARGET));
	else
	{
		if (st->target_type == OOML_ARG_FLOAT8)
			y = DatumGetFloat8(PG_GETARG_DATUM(ARG_TARGET));
		else
			y = ooml_read_scalar(PG_GETARG_DATUM(ARG_TARGET),
								 (OomlArgType) st->target_type);
		if (!ooml_valid_target(lc->fam, y))
			bad_target(st, y);
	}

	/* the offset: NULL skips the row */
	if (st->flags & OOML_FLAG_OFFSET)
	{
		Datum		od = PG_GETARG_DATUM(offset_arg(st));

		if (PG_ARGISNULL(offset_arg(st)))
		{
			st->n_skipped++;
			PG_RETURN_DATUM(result);
		}
		/* the type was checked by check_call */
		offset = ooml_read_scalar(od, lc->call_types[offset_arg(st)]);
		if (!isfinite(offset))
			ooml_read_error(isnan(offset) ? OOML_READ_NAN : OOML_READ_INF,
							ooml_state_name(st, offset_name(st)), 1, 1);
	}

	if (lc->block > 0)
	{
		/* buffer the row (counted when its block is computed) */
		double	   *pend = OOML_SECTION(st, l->pend, double);
		int			b = lc->block;

		pend[st->nbuf] = y;
		pend[b + st->nbuf] = w;
		pend[2 * b + st->nbuf] = offset;
		if (l->sumx)
			add_moments(st, l, x + off, off, st->ncoef - off, w);
		if (++st->nbuf == b)
			return compute_full_block(st, lc, result);
		PG_RETURN_DATUM(result);
	}

	compute_row(st, lc, x, y, w, offset);
	PG_RETURN_DATUM(result);
}


/*
 * ooml_pass_transfn(state, seed, target, VARIADIC features)
 *		Add one row to the state.
 *
 * Most rows of a gradient or Newton pass take a short path here, which only
 * buffers the row (LayoutCache.quick says which rows may).  Anything it
 * does not expect (the first row, a NULL, a toasted array, a target to
 * refuse, a value it did not make) it leaves to pass_transfn_general,
 * which does everything, reports every error, and is the only one to count
 * a skipped row.  The short path calls nothing but memcpy (for an array
 * row) and, in tail position, those two: it is the one run a million times
 * a pass.
 *
 * An array row is copied by memcpy, which loads the whole row before it
 * stores any of it.  A loop of four values a step, storing each four before
 * loading the next, took a gradient pass over a table in shared buffers
 * from 66 to 116 ms (by hand; from the page cache it made no difference).
 */
OOML_ROW_CLONES Datum
ooml_pass_transfn(PG_FUNCTION_ARGS)
{
	LayoutCache *lc = (LayoutCache *) fcinfo->flinfo->fn_extra;
	Datum		result = PG_GETARG_DATUM(ARG_STATE);
	OomlState  *st;
	double	   *x;
	double	   *pend;
	double		y;
	int			off,
				nbuf,
				b;

	/* AggCheckCallContext's first test, as pass_transfn_general makes it */
	if (unlikely(lc == NULL || PG_ARGISNULL(ARG_STATE) || PG_ARGISNULL(ARG_TARGET) ||
				 fcinfo->context == NULL || !IsA(fcinfo->context, AggState)))
		return pass_transfn_general(fcinfo);

	st = state_of_value_or_null(result);
	if (unlikely(st == NULL || !layout_cached(lc, st) || lc->quick == QUICK_NONE))
		return pass_transfn_general(fcinfo);

	/* the row [1, x], into the block's next row */
	off = (st->flags & OOML_FLAG_INTERCEPT) ? 1 : 0;
	nbuf = st->nbuf;
	x = OOML_SECTION(st, lc->l.qbuf, double) + (Size) nbuf * st->ncoef;
	if (lc->quick == QUICK_COLUMNS)
	{
		if (unlikely(copy_float8_args(fcinfo->args + ARG_FIRST_FEATURE, x + off, st->nargs)))
			return pass_transfn_general(fcinfo);
	}
	else
	{
		const char *v;
		int			n;

		/* a NULL, or an array to detoast or refuse: the long way */
		if (unlikely(PG_ARGISNULL(ARG_FIRST_FEATURE)))
			return pass_transfn_general(fcinfo);
		v = ooml_array_values(PG_GETARG_DATUM(ARG_FIRST_FEATURE), sizeof(double), &n);
		if (unlikely(v == NULL || n != st->ncoef - off))
			return pass_transfn_general(fcinfo);
		memcpy(x + off, v, sizeof(double) * n);
	}
	if (off)
		x[0] = 1.0;

	/* the target, as pass_transfn_general reads it */
	if (lc->bool_target_ok)
		y = bool_as_double(PG_GETARG_DATUM(ARG_TARGET));
	else
	{
		/* a 0/1 target (LayoutCache.quick): no call to the family */
		y = DatumGetFloat8(PG_GETARG_DATUM(ARG_TARGET));
		if (unlikely(y != 0.0 && y != 1.0))
			return pass_transfn_general(fcinfo);
	}

	/* buffer the row (counted when its block is computed) */
	pend = OOML_SECTION(st, lc->l.pend, double) + nbuf;
	b = lc->block;
	pend[0] = y;
	pend[b] = 1.0;
	pend[2 * b] = 0.0;
	st->nbuf = ++nbuf;
	if (unlikely(nbuf == b))
		return compute_full_block(st, lc, result);
	PG_RETURN_DATUM(result);
}

/*
 * ooml_pass_combine(a, b)
 *		Add two states of the same pass.  The states may come from parallel
 *		workers or, through the I/O functions, from other nodes, so both are
 *		checked and must describe the same pass.
 */
Datum
ooml_pass_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggcxt;
	OomlState  *a = PG_GETARG_OOMLSTATE(0);
	OomlState  *b = PG_GETARG_OOMLSTATE(1);
	OomlLayout	l,
				lb;
	double	   *da;
	const double *db;
	Size		ndouble;

	ooml_state_check(a, VARSIZE(a));
	ooml_state_check(b, VARSIZE(b));
	reject_seed(a, "ooml.state_combine");
	reject_seed(b, "ooml.state_combine");
	ooml_layout(a->kind, a->flags, a->nargs, a->ncoef, a->names_len, &l);
	ooml_layout(b->kind, b->flags, b->nargs, b->ncoef, b->names_len, &lb);

	/*
	 * Same pass: same shape, columns, penalties and weights (SGD states
	 * start from the same weights but move, so their weights are not
	 * compared).  The row buffers may differ in size; everything before
	 * them is then at the same place in both (and l serves for both).
	 */
	if (a->kind != b->kind || a->family != b->family ||
		((a->flags ^ b->flags) & ~(OOML_FLAG_BIG_BLOCKS | OOML_FLAG_PACKED)) != 0 ||
		a->nargs != b->nargs || a->ncoef != b->ncoef ||
		a->names_len != b->names_len || a->target_type != b->target_type ||
		a->weight_type != b->weight_type ||
		a->l2 != b->l2 || a->l1 != b->l1 || a->lr != b->lr ||
		memcmp((char *) a + l.widths, (char *) b + l.widths, l.coef - l.widths) != 0 ||
		(a->kind != OOML_PASS_SGD &&
		 memcmp((char *) a + l.coef, (char *) b + l.coef, l.grad - l.coef) != 0) ||
		memcmp((char *) a + l.pw, (char *) b + l.pw, sizeof(double) * a->ncoef) != 0 ||
		memcmp((char *) a + l.names, (char *) b + l.names, a->names_len) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine ooml states of different passes"),
				 errdetail("The states differ in their model, columns or weights.")));

	/* outside an aggregate, do not scribble on the input */
	if (!AggCheckCallContext(fcinfo, &aggcxt))
	{
		OomlState  *copy = palloc(VARSIZE(a));

		memcpy(copy, a, VARSIZE(a));
		a = copy;
	}

	/* SGD: the models average, weighted by rows (Bismarck's merge) */
	if (a->kind == OOML_PASS_SGD && b->n_rows > 0)
	{
		double		fa = (double) a->n_rows / (double) (a->n_rows + b->n_rows);
		Size		sections[] = {l.coef, l.avg, l.ada};

		for (int k = 0; k < lengthof(sections); k++)
		{
			double	   *va = (double *) ((char *) a + sections[k]);
			const double *vb = (const double *) ((const char *) b + sections[k]);

			for (int j = 0; j < a->ncoef; j++)
				va[j] = fa * va[j] + (1.0 - fa) * vb[j];
		}
	}

	a->n_rows += b->n_rows;
	a->n_skipped += b->n_skipped;
	a->n_boundary += b->n_boundary;
	a->sum_w += b->sum_w;
	a->sum_wy += b->sum_wy;
	a->sum_wyy += b->sum_wyy;
	a->loss += b->loss;
	a->pearson += b->pearson;
	a->ll_const += b->ll_const;
	a->aux += b->aux;

	if (a->kind == OOML_PASS_QR)
	{
		ooml_qr_merge(a, b, &l);
		PG_RETURN_POINTER(a);
	}

	/* the rows both still buffer (computed at the same weights) */
	compute_pending(a, a, &l);
	compute_pending(a, b, &lb);

	/* the gradient */
	da = OOML_SECTION(a, l.grad, double);
	db = OOML_SECTION(b, l.grad, const double);
	for (int i = 0; i < a->ncoef; i++)
		da[i] += db[i];

	/* the Hessian: a's, b's and the rows both still buffer */
	if (l.hess)
	{
		int			p = a->ncoef;
		double	   *ha = OOML_SECTION(a, l.hess, double);
		const double *hb = OOML_SECTION(b, l.hess, const double);

		fold_pending(a, &l, ha);
		a->nbuf = 0;
		fold_pending(b, &lb, ha);
		ndouble = (Size) p * p;
		for (Size i = 0; i < ndouble; i++)
		{
			ha[i] += hb[i];
			if ((i & 0xFFFF) == 0xFFFF)
				CHECK_FOR_INTERRUPTS();
		}
	}

	/* the moments */
	if (l.sumx)
	{
		da = OOML_SECTION(a, l.sumx, double);
		db = OOML_SECTION(b, l.sumx, const double);
		for (int i = 0; i < 2 * a->ncoef; i++)	/* sumx and sumxx */
			da[i] += db[i];
	}

	PG_RETURN_POINTER(a);
}

static Datum
int4_array(const int *v, int n)
{
	Datum	   *d = palloc(sizeof(Datum) * Max(n, 1));

	for (int i = 0; i < n; i++)
		d[i] = Int32GetDatum(v[i]);
	return PointerGetDatum(construct_array(d, n, INT4OID, sizeof(int32),
										   true, TYPALIGN_INT));
}

/* columns of ooml.pass_result */
enum
{
	R_N_ROWS,
	R_N_SKIPPED,
	R_N_BOUNDARY,
	R_SUM_W,
	R_SUM_Y,
	R_SUM_YY,
	R_LOSS,
	R_LOG_LIKELIHOOD,
	R_NULL_LOG_LIKELIHOOD,
	R_GRADIENT,
	R_GRAD_NORM,
	R_DIRECTION,
	R_DECREMENT,
	R_RANK,
	R_ALIASED,
	R_STD_ERR,
	R_CONDITION_NUMBER,
	R_COL_MEAN,
	R_COL_SD,
	R_RSS,
	R_TSS,
	R_SOLUTION,
	R_HESSIAN,
	R_ADAGRAD,
	R_DEVIANCE,
	R_NULL_DEVIANCE,
	R_PEARSON,
	R_NCOLUMNS
};

/* The full (symmetric) Hessian sum of a Newton state, pending rows included. */
static void
full_hessian(const OomlState *st, const OomlLayout *l, double *h)
{
	int			p = st->ncoef;

	int			q = ooml_state_predictors(st, l);

	memcpy(h, OOML_SECTION(st, l->hess, const double), sizeof(double) * p * p);
	fold_pending(st, l, h);
	/* several predictors: the blocks off the diagonal have their upper triangles */
	if (q > 1)
	{
		int			pb = p / q;

		for (int lq = 1; lq < q; lq++)
			for (int k = 0; k < lq; k++)
			{
				double	   *c = h + (Size) lq * pb * p + (Size) k * pb;

				for (int j = 0; j < pb; j++)
					for (int i = j + 1; i < pb; i++)
						c[(Size) j * p + i] = c[(Size) i * p + j];
			}
	}
	ooml_symmetrize(p, h);
}

/*
 * Newton quantities: the direction -H^-1 g of the penalized mean objective,
 * its decrement, and on request the standard errors and condition number.
 * H is equilibrated (unit diagonal) before it is factored, so that the rank
 * decision does not depend on the units of the features.
 */
static void
newton_results(const OomlState *st, const OomlLayout *l, const double *g,
			   double f, Datum *values, bool *nulls)
{
	const OomlFamily *fam = ooml_family(st->family);
	int			p = st->ncoef;
	const double *pw = OOML_SECTION(st, l->pw, const double);
	double		n = st->sum_w;
	double		df = (double) st->n_rows - p;
	double	   *h = palloc(sizeof(double) * p * p);
	double	   *scale = palloc(sizeof(double) * p);
	double	   *dir = palloc(sizeof(double) * p);
	double		rcond = 0.0;
	int			info;

	/* H = hess / n + l2 diag(pw), full, then equilibrated */
	full_hessian(st, l, h);
	for (int i = 0; i < p * p; i++)
		h[i] /= n;
	for (int j = 0; j < p; j++)
		h[(Size) j * p + j] += st->l2 * pw[j];
	if (st->flags & OOML_FLAG_HESSIAN)
	{
		values[R_HESSIAN] = ooml_float8_array(h, p * p);
		nulls[R_HESSIAN] = false;
	}
	for (int j = 0; j < p; j++)
		scale[j] = h[(Size) j * p + j] > 0.0 ? 1.0 / sqrt(h[(Size) j * p + j]) : 1.0;
	for (int j = 0; j < p; j++)
		for (int i = 0; i < p; i++)
			h[(Size) j * p + i] *= scale[i] * scale[j];

	info = ooml_cholesky(p, h, &rcond);
	if (info != 0 || !(rcond >= OOML_RCOND_MIN))
	{
		/* singular: find the aliased coefficients, later terms first */
		int		   *piv = palloc(sizeof(int) * p);
		int			rank;

		full_hessian(st, l, h);
		for (int j = 0; j < p; j++)
			h[(Size) j * p + j] += st->l2 * pw[j] * n;
		for (int j = 0; j < p; j++)
			for (int i = 0; i < p; i++)
				h[(Size) j * p + i] *= scale[i] * scale[j];
		rank = ooml_rank_pivots(p, h, piv);
		if (rank >= p)
			rank = p - 1;		/* rcond says singular: the last pivot goes */
		values[R_RANK] = Int32GetDatum(rank);
		nulls[R_RANK] = false;
		for (int i = rank; i < p; i++)
			piv[i - rank] = piv[i];
		values[R_ALIASED] = int4_array(piv, p - rank);
		nulls[R_ALIASED] = false;
		return;
	}

	values[R_RANK] = Int32GetDatum(p);
	nulls[R_RANK] = false;
	values[R_ALIASED] = int4_array(NULL, 0);
	nulls[R_ALIASED] = false;

	/* solve (D Hs D) d = -g as Hs (D^-1 d) = -D g */
	for (int j = 0; j < p; j++)
		dir[j] = -g[j] * scale[j];
	ooml_cholesky_solve(p, h, dir);
	for (int j = 0; j < p; j++)
		dir[j] *= scale[j];
	{
		double		dec = 0.0;

		for (int j = 0; j < p; j++)
			dec -= g[j] * dir[j];
		values[R_DECREMENT] = Float8GetDatum(dec);
		nulls[R_DECREMENT] = false;
	}
	values[R_DIRECTION] = ooml_float8_array(dir, p);
	nulls[R_DIRECTION] = false;

	/* the residual sum of squares, at the weights or at the Newton point */
	if (fam->quadratic)
	{
		double		rss = 2.0 * st->loss;

		if (st->flags & OOML_FLAG_SOLVE)
		{
			/* a quadratic objective drops by exactly decrement / 2 */
			const double *coef = OOML_SECTION(st, l->coef, const double);
			double	   *sol = palloc(sizeof(double) * p);
			double		f_new = f - 0.5 * DatumGetFloat8(values[R_DECREMENT]);
			double		pen = 0.0;

			for (int j = 0; j < p; j++)
				sol[j] = coef[j] + dir[j];
			for (int j = 0; j < p; j++)
				pen += 0.5 * st->l2 * pw[j] * sol[j] * sol[j];
			rss = Max(0.0, 2.0 * n * (f_new - pen));
			values[R_DEVIANCE] = Float8GetDatum(rss);
			values[R_SOLUTION] = ooml_float8_array(sol, p);
			values[R_LOSS] = Float8GetDatum(f_new);
			values[R_LOG_LIKELIHOOD] = Float8GetDatum(fam->loglik(st, 0.5 * rss));
			nulls[R_SOLUTION] = false;
		}
		values[R_RSS] = Float8GetDatum(rss);
		nulls[R_RSS] = false;
	}

	if (st->flags & OOML_FLAG_STATS)
	{
		double	   *se = palloc(sizeof(double) * p);
		double		dispersion = 1.0;

		/*
		 * Covariance of the estimates: the inverse Hessian of the summed
		 * objective, n H, times the dispersion (1 for binomial and Poisson,
		 * RSS / (n - p) where it is estimated).
		 */
		if (fam->estimate_dispersion)
		{
			/*
			 * Pearson's chi^2 / df, as R's summary.glm; for least squares
			 * that is RSS / (n - p) (at the Newton point with solve)
			 */
			double		chi2 = fam->quadratic && !nulls[R_RSS] ? DatumGetFloat8(values[R_RSS]) : st->pearson;

			dispersion = df > 0 ? chi2 / df : NAN;
		}
		ooml_cholesky_inverse_diag(p, h, se);
		for (int j = 0; j < p; j++)
			se[j] = sqrt(dispersion * se[j] * scale[j] * scale[j] / n);
		values[R_STD_ERR] = ooml_float8_array(se, p);
		nulls[R_STD_ERR] = false;

		/*
		 * condition number of W^1/2 X, the square root of that of the
		 * unpenalized X'WX, as MADlib reports it
		 */
		if (p <= OOML_CONDITION_MAX)
		{
			full_hessian(st, l, h);
			values[R_CONDITION_NUMBER] = Float8GetDatum(sqrt(ooml_condition_number(p, h)));
			nulls[R_CONDITION_NUMBER] = false;
		}
	}
}

/* The results of a QR pass: the least-squares fit itself. */
static void
qr_results(const OomlState *st, const OomlLayout *l, Datum *values, bool *nulls)
{
	const OomlFamily *fam = ooml_family(st->family);
	OomlQrFit	fit;
	double		n = st->sum_w;

	ooml_qr_fit(st, l, &fit);

	values[R_SUM_W] = Float8GetDatum(n);
	values[R_SUM_Y] = Float8GetDatum(st->sum_wy);
	values[R_SUM_YY] = Float8GetDatum(st->sum_wyy);
	values[R_RANK] = Int32GetDatum(fit.rank);
	values[R_ALIASED] = int4_array(fit.aliased, fit.naliased);
	nulls[R_SUM_W] = nulls[R_SUM_Y] = nulls[R_SUM_YY] = false;
	nulls[R_RANK] = nulls[R_ALIASED] = false;
	if (fam->null_loglik)
	{
		values[R_NULL_LOG_LIKELIHOOD] = Float8GetDatum(fam->null_loglik(st));
		nulls[R_NULL_LOG_LIKELIHOOD] = false;
	}
	if (fit.naliased > 0)
		return;

	values[R_LOSS] = Float8GetDatum(fit.loss);
	values[R_LOG_LIKELIHOOD] = Float8GetDatum(fam->loglik(st, 0.5 * fit.rss));
	values[R_DEVIANCE] = Float8GetDatum(fit.rss);
	values[R_NULL_DEVIANCE] = Float8GetDatum(fit.tss);
	nulls[R_DEVIANCE] = nulls[R_NULL_DEVIANCE] = false;
	values[R_SOLUTION] = ooml_float8_array(fit.solution, st->ncoef);
	values[R_RSS] = Float8GetDatum(fit.rss);
	values[R_TSS] = Float8GetDatum(fit.tss);
	values[R_STD_ERR] = ooml_float8_array(fit.std_err, st->ncoef);
	values[R_CONDITION_NUMBER] = Float8GetDatum(fit.condition_number);
	nulls[R_LOSS] = nulls[R_LOG_LIKELIHOOD] = nulls[R_SOLUTION] = false;
	nulls[R_RSS] = nulls[R_TSS] = nulls[R_STD_ERR] = false;
	nulls[R_CONDITION_NUMBER] = false;
	if (!isnan(fit.grad_norm))
	{
		values[R_GRAD_NORM] = Float8GetDatum(fit.grad_norm);
		nulls[R_GRAD_NORM] = false;
	}
}

/*
 * ooml_pass_final(state) returns ooml.pass_result
 *		The objective at the pass's weights, its gradient, and for a Newton
 *		pass the direction and (on request) the statistics.
 */
Datum
ooml_pass_final(PG_FUNCTION_ARGS)
{
	OomlState  *st = PG_GETARG_OOMLSTATE(0);
	const OomlFamily *fam;
	OomlLayout	l;
	TupleDesc	tupdesc;
	Datum		values[R_NCOLUMNS];
	bool		nulls[R_NCOLUMNS];
	int			p;
	bool		intercept;
	const double *coef;
	const double *pw;
	double	   *g;
	double		n,
				penalty = 0.0,
				gnorm = 0.0;

	ooml_state_check(st, VARSIZE(st));
	reject_seed(st, "ooml.pass_result");
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	tupdesc = BlessTupleDesc(tupdesc);
	if (tupdesc->natts != R_NCOLUMNS)
		elog(ERROR, "ooml.pass_result has %d columns, expected %d",
			 tupdesc->natts, R_NCOLUMNS);

	fam = ooml_family(st->family);
	ooml_layout(st->kind, st->flags, st->nargs, st->ncoef, st->names_len, &l);

	/*
	 * Rows still buffered are computed on a copy: a final function leaves
	 * the transition value as it found it.
	 */
	if (pending_block(st, &l) > 0)
	{
		OomlState  *copy = palloc(VARSIZE(st));

		memcpy(copy, st, VARSIZE(st));
		st = copy;
		compute_pending(st, st, &l);
	}

	p = st->ncoef;
	intercept = (st->flags & OOML_FLAG_INTERCEPT) != 0;
	pw = OOML_SECTION(st, l.pw, const double);
	n = st->sum_w;

	memset(nulls, true, sizeof(nulls));
	values[R_N_ROWS] = Int64GetDatum(st->n_rows);
	values[R_N_SKIPPED] = Int64GetDatum(st->n_skipped);
	values[R_N_BOUNDARY] = Int64GetDatum(st->n_boundary);
	nulls[R_N_ROWS] = nulls[R_N_SKIPPED] = nulls[R_N_BOUNDARY] = false;

	if (st->n_rows > 0 && n > 0 && st->kind == OOML_PASS_QR)
		qr_results(st, &l, values, nulls);
	else if (st->n_rows > 0 && n > 0)
	{
		/* an SGD pass reports the average of its iterates */
		coef = OOML_SECTION(st, l.avg ? l.avg : l.coef, const double);
		g = palloc(sizeof(double) * p);
		memcpy(g, OOML_SECTION(st, l.grad, const double), sizeof(double) * p);
		for (int j = 0; j < p; j++)
		{
			g[j] = g[j] / n + st->l2 * pw[j] * coef[j];
			penalty += 0.5 * st->l2 * pw[j] * coef[j] * coef[j];
			gnorm = Max(gnorm, fabs(g[j]));
		}

		values[R_SUM_W] = Float8GetDatum(n);
		values[R_SUM_Y] = Float8GetDatum(st->sum_wy);
		values[R_SUM_YY] = Float8GetDatum(st->sum_wyy);
		values[R_LOSS] = Float8GetDatum(st->loss / n + penalty);
		values[R_LOG_LIKELIHOOD] = Float8GetDatum(fam->loglik(st, st->loss));
		if (fam->null_loglik)
		{
			values[R_NULL_LOG_LIKELIHOOD] = Float8GetDatum(fam->null_loglik(st));
			nulls[R_NULL_LOG_LIKELIHOOD] = false;
		}
		values[R_GRADIENT] = ooml_float8_array(g, p);
		values[R_GRAD_NORM] = Float8GetDatum(gnorm);
		nulls[R_SUM_W] = nulls[R_SUM_Y] = nulls[R_SUM_YY] = false;
		nulls[R_LOSS] = nulls[R_LOG_LIKELIHOOD] = false;
		nulls[R_GRADIENT] = nulls[R_GRAD_NORM] = false;

		values[R_DEVIANCE] = Float8GetDatum(2.0 * st->loss);
		values[R_PEARSON] = Float8GetDatum(st->pearson);
		nulls[R_DEVIANCE] = nulls[R_PEARSON] = false;
		if (fam->null_deviance)
		{
			values[R_NULL_DEVIANCE] = Float8GetDatum(fam->null_deviance(st));
			nulls[R_NULL_DEVIANCE] = false;
		}
		if (fam->quadratic)
		{
			double		tss = st->sum_wyy;

			if (intercept)
				tss -= st->sum_wy * st->sum_wy / n;
			values[R_TSS] = Float8GetDatum(Max(0.0, tss));
			nulls[R_TSS] = false;
		}
		if (st->kind == OOML_PASS_NEWTON)
			newton_results(st, &l, g, st->loss / n + penalty, values, nulls);
		if (st->kind == OOML_PASS_SGD)
		{
			/* the loss is the progressive one, of each row before its step */
			values[R_SOLUTION] = ooml_float8_array(coef, p);
			values[R_ADAGRAD] = ooml_float8_array(OOML_SECTION(st, l.ada, const double), p);
			nulls[R_SOLUTION] = nulls[R_ADAGRAD] = false;
			nulls[R_GRADIENT] = nulls[R_GRAD_NORM] = true;
			if (st->l1 > 0.0)
				for (int j = 0; j < p; j++)
					penalty += st->l1 * sqrt(pw[j]) * fabs(coef[j]);
			values[R_LOSS] = Float8GetDatum(st->loss / n + penalty);
		}

		if (l.sumx)
		{
			const double *sumx = OOML_SECTION(st, l.sumx, const double);
			const double *sumxx = OOML_SECTION(st, l.sumxx, const double);
			double	   *mean = palloc(sizeof(double) * p);
			double	   *sd = palloc(sizeof(double) * p);

			int			pb = p / ooml_state_predictors(st, &l);

			/* several predictors: the first block has them; repeat it */
			for (int j = 0; j < p; j++)
			{
				mean[j] = sumx[j % pb] / n;
				sd[j] = sqrt(Max(0.0, sumxx[j % pb] / n - mean[j] * mean[j]));
			}
			values[R_COL_MEAN] = ooml_float8_array(mean, p);
			values[R_COL_SD] = ooml_float8_array(sd, p);
			nulls[R_COL_MEAN] = nulls[R_COL_SD] = false;
		}
	}

	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
