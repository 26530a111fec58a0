/*-------------------------------------------------------------------------
 *
 * state.c
 *	  The ooml.state type: layout, validation, and its text and binary I/O.
 *
 * A state travels between parallel workers as it is (it is a plain
 * varlena), and between nodes through the send/receive or output/input
 * functions.  Bytes that come from outside are never trusted: every reader
 * checks every size before it allocates and every field before use.  The
 * text form is the base64 of the binary form, so both are parsed by the
 * same code.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/base64.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_state_in);
PG_FUNCTION_INFO_V1(ooml_state_out);
PG_FUNCTION_INFO_V1(ooml_state_recv);
PG_FUNCTION_INFO_V1(ooml_state_send);
PG_FUNCTION_INFO_V1(ooml_make_state);
PG_FUNCTION_INFO_V1(ooml_state_fits);
PG_FUNCTION_INFO_V1(ooml_state_size);

#define SECTION_ALIGN(len)	TYPEALIGN(sizeof(double), (len))

/*
 * Compute the byte offsets of a state's sections.  Returns false when the
 * dimensions are out of range or the value would exceed the largest
 * allocation; nothing is allocated here, so this is safe on hostile input.
 */
bool
ooml_layout(int kind, int flags, int64 nargs, int64 ncoef, int64 names_len,
			OomlLayout *l)
{
	uint64		off;
	int			brows;

	if (kind < 1 || kind > OOML_PASS_KIND_MAX ||
		nargs < 0 || nargs > OOML_MAX_ARGS ||
		ncoef < 1 || ncoef > OOML_MAX_COEF ||
		names_len < 1 || names_len > OOML_MAX_NAMES_LEN)
		return false;

	off = offsetof(OomlState, data);
	l->widths = off;
	off += SECTION_ALIGN(sizeof(int32) * nargs);
	l->types = off;
	off += SECTION_ALIGN(sizeof(int32) * nargs);
	l->coef = off;
	off += sizeof(double) * ncoef;
	if (flags & OOML_FLAG_SEED)
	{
		/* a seed: no sums, no row buffer, no scratch (see ooml.h) */
		l->grad = l->avg = l->ada = l->hess = l->raug = l->gram = 0;
		l->qbuf = l->pend = l->sumx = l->sumxx = 0;
		l->pw = off;
		off += sizeof(double) * ncoef;
		if (kind == OOML_PASS_SGD)
		{
			l->ada = off;
			off += sizeof(double) * ncoef;
		}
		l->names = off;
		off += SECTION_ALIGN(names_len);
		l->buffer = l->xbuf = l->total = off;
		return off <= MaxAllocSize;
	}
	l->grad = off;
	off += sizeof(double) * ncoef;
	l->pw = off;
	off += sizeof(double) * ncoef;
	l->avg = l->ada = 0;
	if (kind == OOML_PASS_SGD)
	{
		l->avg = off;
		off += sizeof(double) * ncoef;
		l->ada = off;
		off += sizeof(double) * ncoef;
	}
	l->hess = l->raug = l->qbuf = l->pend = l->gram = 0;
	if (kind == OOML_PASS_NEWTON)
	{
		l->hess = off;
		off += sizeof(double) * (uint64) ncoef * (uint64) ncoef;
	}
	if (kind == OOML_PASS_QR)
	{
		uint64		q = ncoef + 1;

		l->raug = off;
		off += sizeof(double) * q * q;
		if (flags & OOML_FLAG_REFINE)
		{
			l->gram = off;
			off += 2 * sizeof(double) * q * q;
		}
	}
	l->sumx = l->sumxx = 0;
	if (flags & OOML_FLAG_MOMENTS)
	{
		l->sumx = off;
		off += sizeof(double) * ncoef;
		l->sumxx = off;
		off += sizeof(double) * ncoef;
	}
	l->names = off;
	off += SECTION_ALIGN(names_len);

	/* the row buffer last: states that buffer more or fewer rows share the rest */
	l->buffer = off;
	if (flags & OOML_FLAG_PACKED)
	{
		/* packed: no row buffer, no scratch (see ooml.h) */
		l->xbuf = l->total = off;
		return off <= MaxAllocSize;
	}
	brows = ooml_block_rows(kind, flags, ncoef);
	if (brows > 0)
	{
		l->qbuf = off;
		off += sizeof(double) * brows * (uint64) ncoef;
		l->pend = off;
		off += sizeof(double) * 3 * (uint64) brows;
	}
	if (kind == OOML_PASS_QR)
	{
		l->qbuf = off;
		off += sizeof(double) * OOML_QR_BLOCK * (uint64) (ncoef + 1);
	}
	l->xbuf = off;
	off += sizeof(double) * ncoef;
	l->total = off;

	return off <= MaxAllocSize;
}

/*
 * Bytes a state of this kind needs for p coefficients (for guards): with
 * the larger row buffer a pass has outside hashed aggregation.
 */
int64
ooml_state_bytes(int kind, int64 ncoef)
{
	int64		doubles = 8 * ncoef;

	if (kind == OOML_PASS_NEWTON)
		doubles += ncoef * ncoef;
	doubles += (int64) ooml_block_rows(kind, OOML_FLAG_BIG_BLOCKS, ncoef) * (ncoef + 3);
	if (kind == OOML_PASS_QR)
		doubles += 3 * (ncoef + 1) * (ncoef + 1) + OOML_QR_BLOCK * (ncoef + 1);
	return doubles * (int64) sizeof(double);
}

static int
pass_kind_id(const char *name)
{
	if (strcmp(name, "gradient") == 0)
		return OOML_PASS_GRADIENT;
	if (strcmp(name, "newton") == 0)
		return OOML_PASS_NEWTON;
	if (strcmp(name, "qr") == 0)
		return OOML_PASS_QR;
	if (strcmp(name, "sgd") == 0)
		return OOML_PASS_SGD;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown pass kind \"%s\"", name),
			 errhint("The pass kinds are \"gradient\", \"newton\", \"qr\" and \"sgd\".")));
	return 0;					/* keep compiler quiet */
}

/*
 * _state_fits(kind, ncoef): does the state of such a pass stay within
 * ooml.max_state_memory?
 */
Datum
ooml_state_fits(PG_FUNCTION_ARGS)
{
	int			kind = pass_kind_id(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	int32		ncoef = PG_GETARG_INT32(1);

	PG_RETURN_BOOL(ooml_state_bytes(kind, ncoef) <= (int64) ooml_max_state_memory * 1024);
}

/* _state_bytes(kind, ncoef): the bytes of the state of such a pass */
Datum
ooml_state_size(PG_FUNCTION_ARGS)
{
	int			kind = pass_kind_id(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	int32		ncoef = PG_GETARG_INT32(1);

	if (ncoef < 1 || ncoef > OOML_MAX_COEF)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ncoef must lie between 1 and %d", OOML_MAX_COEF)));
	PG_RETURN_INT64(ooml_state_bytes(kind, ncoef));
}

static void
invalid_state(int code, const char *detail)
{
	ereport(ERROR,
			(errcode(code),
			 errmsg("invalid ooml aggregate state"),
			 errdetail("%s", detail)));
}

/*
 * Check a state in memory: header, sizes, names and widths.  Called on
 * every state that enters a function from outside the transition function:
 * the seed, combine inputs, final inputs, and whatever input/receive built.
 */
void
ooml_state_check(const OomlState *st, Size size)
{
	OomlLayout	l;
	const int32 *widths;
	const int32 *types;
	const char *names;
	int64		sum = 0;
	int			nuls = 0;

	if (size < offsetof(OomlState, data))
		invalid_state(ERRCODE_DATA_CORRUPTED, "The value is too short.");
	if (st->magic != OOML_STATE_MAGIC)
		invalid_state(ERRCODE_DATA_CORRUPTED, "The value does not start with ooml's magic number.");
	if (st->version != OOML_STATE_VERSION)
		invalid_state(ERRCODE_DATA_CORRUPTED, "The value has an unknown format version.");
	if (st->family < 1 || st->family > ooml_family_count())
		invalid_state(ERRCODE_DATA_CORRUPTED, "The model family is unknown.");
	if ((st->flags & ~OOML_FLAG_ALL) != 0)
		invalid_state(ERRCODE_DATA_CORRUPTED, "The flags are invalid.");
	if (!ooml_layout(st->kind, st->flags, st->nargs, st->ncoef,
					 st->names_len, &l))
		invalid_state(ERRCODE_DATA_CORRUPTED, "The dimensions are out of range.");
	if (l.total != size)
		invalid_state(ERRCODE_DATA_CORRUPTED, "The size does not match the dimensions.");
	if (st->target_type < OOML_ARG_UNSET || st->target_type > OOML_ARG_TYPE_MAX ||
		ooml_arg_is_array((OomlArgType) st->target_type))
		invalid_state(ERRCODE_DATA_CORRUPTED, "The target type is invalid.");
	if (st->n_rows < 0 || st->n_skipped < 0 || st->n_boundary < 0)
		invalid_state(ERRCODE_DATA_CORRUPTED, "A row count is negative.");
	if (st->weight_type < OOML_ARG_UNSET || st->weight_type > OOML_ARG_TYPE_MAX ||
		ooml_arg_is_array((OomlArgType) st->weight_type))
		invalid_state(ERRCODE_DATA_CORRUPTED, "The weight type is invalid.");
	if ((st->flags & OOML_FLAG_BIG_BLOCKS) &&
		st->kind != OOML_PASS_NEWTON && st->kind != OOML_PASS_GRADIENT)
		invalid_state(ERRCODE_DATA_CORRUPTED, "Only gradient and Newton passes buffer larger blocks.");
	/* seeds and packed states have no row buffer (see ooml.h) */
	if ((st->flags & (OOML_FLAG_SEED | OOML_FLAG_PACKED)) &&
		((st->flags & OOML_FLAG_BIG_BLOCKS) || st->nbuf != 0))
		invalid_state(ERRCODE_DATA_CORRUPTED, "A seed or packed state buffers no rows.");
	if ((st->flags & OOML_FLAG_PACKED) &&
		((st->flags & OOML_FLAG_SEED) ||
		 (st->kind != OOML_PASS_GRADIENT && st->kind != OOML_PASS_NEWTON)))
		invalid_state(ERRCODE_DATA_CORRUPTED, "A packed state is a gradient or Newton pass's state.");
	if (st->nbuf < 0 ||
		st->nbuf > (st->kind == OOML_PASS_QR ? OOML_QR_BLOCK - 1 :
					Max(ooml_block_rows(st->kind, st->flags, st->ncoef) - 1, 0)))
		invalid_state(ERRCODE_DATA_CORRUPTED, "The row buffer count is out of range.");
	if (st->kind == OOML_PASS_QR && st->family != OOML_FAMILY_GAUSSIAN)
		invalid_state(ERRCODE_DATA_CORRUPTED, "A QR pass must be of the gaussian family.");
	if ((st->flags & OOML_FLAG_REFINE) &&
		(st->kind != OOML_PASS_QR || st->ncoef > OOML_REFINE_MAX_COEF))
		invalid_state(ERRCODE_DATA_CORRUPTED, "Only QR passes of at most 64 coefficients refine.");
	if (!(st->l2 >= 0.0) || isinf(st->l2) || !(st->l1 >= 0.0) || isinf(st->l1) ||
		!(st->lr >= 0.0) || isinf(st->lr))
		invalid_state(ERRCODE_DATA_CORRUPTED, "A penalty or the learning rate is not a finite number >= 0.");
	{
		const double *pw = OOML_SECTION(st, l.pw, const double);

		for (int j = 0; j < st->ncoef; j++)
			if (!(pw[j] >= 0.0) || isinf(pw[j]))
				invalid_state(ERRCODE_DATA_CORRUPTED, "A penalty weight is not a finite number >= 0.");
	}

	widths = OOML_SECTION(st, l.widths, const int32);
	types = OOML_SECTION(st, l.types, const int32);
	for (int i = 0; i < st->nargs; i++)
	{
		if (widths[i] < 1 || widths[i] > OOML_MAX_COEF)
			invalid_state(ERRCODE_DATA_CORRUPTED, "A feature width is out of range.");
		if (types[i] < OOML_ARG_UNSET || types[i] > OOML_ARG_TYPE_MAX)
			invalid_state(ERRCODE_DATA_CORRUPTED, "A feature type is unknown.");
		if (types[i] != OOML_ARG_UNSET &&
			!ooml_arg_is_array((OomlArgType) types[i]) && widths[i] != 1)
			invalid_state(ERRCODE_DATA_CORRUPTED, "A scalar feature has a width other than 1.");
		sum += widths[i];
	}
	/* one block of coefficients per linear predictor (several: multinomial) */
	sum += (st->flags & OOML_FLAG_INTERCEPT) ? 1 : 0;
	if (sum < 1 || st->ncoef % sum != 0 ||
		(st->ncoef != sum && ooml_family(st->family)->row_multi == NULL) ||
		st->ncoef / sum >= OOML_MAX_CLASSES)
		invalid_state(ERRCODE_DATA_CORRUPTED,
					  "The feature widths do not add up to the number of coefficients.");
	/* two classes are a binomial model: the multinomial rows need two predictors */
	if (ooml_family(st->family)->row_multi != NULL && st->ncoef / sum < 2)
		invalid_state(ERRCODE_DATA_CORRUPTED,
					  "A multinomial state has fewer than two linear predictors.");
	if (ooml_family(st->family)->row_multi != NULL && st->kind == OOML_PASS_QR)
		invalid_state(ERRCODE_DATA_CORRUPTED, "A QR pass must be of the gaussian family.");
	/* a multinomial Newton state buffers fewer, wider rows; its gradient state none */
	if ((st->kind == OOML_PASS_NEWTON &&
		 st->nbuf > Max(ooml_newton_block_rows(st->ncoef, st->flags, st->ncoef / sum) - 1, 0)) ||
		(st->kind == OOML_PASS_GRADIENT && st->ncoef != sum && st->nbuf != 0))
		invalid_state(ERRCODE_DATA_CORRUPTED, "The row buffer count is out of range.");
	/* rows waiting to be computed obey the rules their rows were read by */
	if (st->ncoef == sum && l.pend != 0)
	{
		const OomlFamily *fam = ooml_family(st->family);
		int			b = ooml_block_rows(st->kind, st->flags, st->ncoef);
		const double *pend = OOML_SECTION(st, l.pend, const double);

		for (int i = 0; i < st->nbuf; i++)
		{
			double		y = pend[i],
						w = pend[b + i],
						o = pend[2 * b + i];

			if (!ooml_valid_target(fam, y) ||
				!(w > 0.0) || isinf(w) || !isfinite(o) ||
				(!(st->flags & OOML_FLAG_WEIGHTS) && w != 1.0) ||
				(!(st->flags & OOML_FLAG_OFFSET) && o != 0.0))
				invalid_state(ERRCODE_DATA_CORRUPTED, "A buffered row's target, weight or offset is invalid.");
		}
	}

	names = OOML_SECTION(st, l.names, const char);
	if (names[st->names_len - 1] != '\0')
		invalid_state(ERRCODE_DATA_CORRUPTED, "The names are not terminated.");
	for (int i = 0; i < st->names_len; i++)
		if (names[i] == '\0')
			nuls++;
	if (nuls != st->nargs + 1 + ((st->flags & OOML_FLAG_WEIGHTS) ? 1 : 0) +
		((st->flags & OOML_FLAG_OFFSET) ? 1 : 0))
		invalid_state(ERRCODE_DATA_CORRUPTED, "The number of names does not match the number of features.");
}

/*
 * Rows a gradient or Newton state of one linear predictor buffers, to
 * compute them as a block: their linear predictors by one BLAS dgemv, the
 * family's view of each, their gradient terms by another dgemv and, for
 * Newton, their Hessian terms by one dsyrk (pass.c's compute_block).  Each
 * row on its own is a chain of dependent steps (dot product, family,
 * update); a block keeps many rows' steps in flight.  A gradient state
 * buffers at most OOML_GRAD_BUF_VALUES values; wider rows are computed one
 * at a time (0).  A state with OOML_FLAG_BIG_BLOCKS buffers more rows (see
 * ooml.h), computed in chunks of OOML_QR_BLOCK all at once.  The space is
 * the same for several linear predictors (multinomial), whose Newton state
 * buffers differently (below) and whose gradient state does not buffer.
 */
int
ooml_block_rows(int kind, int flags, int64 ncoef)
{
	int64		rows;

	if (kind == OOML_PASS_NEWTON)
		rows = OOML_QR_BLOCK;
	else if (kind == OOML_PASS_GRADIENT && ncoef >= 1)
	{
		rows = Min((int64) OOML_QR_BLOCK, OOML_GRAD_BUF_VALUES / ncoef);
		if (rows < 8)
			return 0;
	}
	else
		return 0;
	if (flags & OOML_FLAG_BIG_BLOCKS)
		rows = Max(rows, Min((int64) OOML_BIG_BLOCK, OOML_BIG_BUF_VALUES / Max(ncoef, 1)));
	return (int) rows;
}

/*
 * Rows a Newton state buffers before folding them into its Hessian.  One
 * linear predictor: ooml_block_rows' rows of the ncoef values.  nlp > 1
 * predictors (multinomial; a row has ncoef / nlp values): each row's values
 * and its nlp (nlp + 1) / 2 curvature entries, as many rows as the space of
 * OOML_QR_BLOCK rows of ncoef values holds (0: not one, and each row is
 * folded in at once).  The multinomial fold does not gain from larger
 * blocks (measured: a pass 5% slower folding 520 rows than 149), so the
 * transition function does not give such states OOML_FLAG_BIG_BLOCKS, and
 * their space stays the same with it.
 */
int
ooml_newton_block_rows(int ncoef, int flags, int nlp)
{
	int64		per_row;

	if (nlp <= 1)
		return ooml_block_rows(OOML_PASS_NEWTON, flags, ncoef);
	per_row = ncoef / nlp + (int64) nlp * (nlp + 1) / 2;
	return (int) Min((int64) OOML_QR_BLOCK, ((int64) OOML_QR_BLOCK * ncoef) / per_row);
}

/*
 * The number of linear predictors of a (checked) state: its coefficients
 * come in that many blocks of one per feature value (and the intercept).
 */
int
ooml_state_predictors(const OomlState *st, const OomlLayout *l)
{
	const int32 *widths = OOML_SECTION(st, l->widths, const int32);
	int64		sum = (st->flags & OOML_FLAG_INTERCEPT) ? 1 : 0;

	for (int i = 0; i < st->nargs; i++)
		sum += widths[i];
	return sum > 0 ? (int) (st->ncoef / sum) : 1;
}

/* Allocate a zeroed state in the current memory context. */
OomlState *
ooml_state_alloc(int kind, int family, int flags, int nargs, int ncoef,
				 int names_len)
{
	OomlLayout	l;
	OomlState  *st;

	if (!ooml_layout(kind, flags, nargs, ncoef, names_len, &l))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ooml state for %d coefficients is too large", ncoef)));

	st = (OomlState *) palloc0(l.total);
	SET_VARSIZE(st, l.total);
	st->magic = OOML_STATE_MAGIC;
	st->version = OOML_STATE_VERSION;
	st->kind = kind;
	st->family = family;
	st->flags = flags;
	st->nargs = nargs;
	st->ncoef = ncoef;
	st->names_len = names_len;
	return st;
}

/*
 * Start the sums of a pass afresh, keeping the configuration, the weights,
 * the penalty weights and (SGD) AdaGrad's sums, which carry over passes.
 */
void
ooml_state_reset(OomlState *st)
{
	OomlLayout	l;
	double	   *coef;

	ooml_layout(st->kind, st->flags, st->nargs, st->ncoef, st->names_len, &l);
	st->n_rows = st->n_skipped = st->n_boundary = 0;
	st->nbuf = 0;
	st->sum_w = st->sum_wy = st->sum_wyy = st->loss = 0.0;
	st->pearson = st->ll_const = st->aux = 0.0;
	coef = OOML_SECTION(st, l.coef, double);
	memset((char *) st + l.grad, 0, sizeof(double) * st->ncoef);
	if (l.avg)
		memcpy((char *) st + l.avg, coef, sizeof(double) * st->ncoef);
	/* everything from the Hessian or R factor to the names is a sum */
	{
		Size		from = l.hess ? l.hess : l.raug ? l.raug : l.sumx ? l.sumx : l.names;

		memset((char *) st + from, 0, l.names - from);
	}
}

/* Name number i: 0 is the target, 1..nargs the feature arguments. */
const char *
ooml_state_name(const OomlState *st, int i)
{
	OomlLayout	l;
	const char *p;

	ooml_layout(st->kind, st->flags, st->nargs, st->ncoef, st->names_len, &l);
	p = OOML_SECTION(st, l.names, const char);
	while (i-- > 0)
		p += strlen(p) + 1;
	return p;
}

/* Send, or read back, the doubles of st from byte offset from to to. */
static void
send_doubles(StringInfo buf, const OomlState *st, Size from, Size to)
{
	const double *dbl = OOML_SECTION(st, from, const double);

	for (Size i = 0; i < (to - from) / sizeof(double); i++)
		pq_sendfloat8(buf, dbl[i]);
}

static void
get_doubles(StringInfo buf, OomlState *st, Size from, Size to)
{
	double	   *dbl = OOML_SECTION(st, from, double);

	for (Size i = 0; i < (to - from) / sizeof(double); i++)
		dbl[i] = pq_getmsgfloat8(buf);
}

/*
 * Binary form: the header fields in network byte order, then the sections
 * in layout order (the row buffer after the names), each value in network
 * byte order.  The scratch row is not sent.
 */
static bytea *
state_serialize(const OomlState *st)
{
	StringInfoData buf;
	OomlLayout	l;
	const int32 *ints;

	ooml_layout(st->kind, st->flags, st->nargs, st->ncoef, st->names_len, &l);

	pq_begintypsend(&buf);
	pq_sendint32(&buf, st->magic);
	pq_sendint16(&buf, st->version);
	pq_sendint16(&buf, st->kind);
	pq_sendint16(&buf, st->family);
	pq_sendint16(&buf, st->flags);
	pq_sendint32(&buf, st->nargs);
	pq_sendint32(&buf, st->ncoef);
	pq_sendint32(&buf, st->names_len);
	pq_sendint32(&buf, st->target_type);
	pq_sendint32(&buf, st->nbuf);
	pq_sendint32(&buf, st->weight_type);
	pq_sendint64(&buf, st->n_rows);
	pq_sendint64(&buf, st->n_skipped);
	pq_sendint64(&buf, st->n_boundary);
	pq_sendfloat8(&buf, st->l2);
	pq_sendfloat8(&buf, st->sum_w);
	pq_sendfloat8(&buf, st->sum_wy);
	pq_sendfloat8(&buf, st->sum_wyy);
	pq_sendfloat8(&buf, st->loss);
	pq_sendfloat8(&buf, st->l1);
	pq_sendfloat8(&buf, st->lr);
	pq_sendfloat8(&buf, st->pearson);
	pq_sendfloat8(&buf, st->ll_const);
	pq_sendfloat8(&buf, st->aux);

	ints = OOML_SECTION(st, l.widths, const int32);
	for (int i = 0; i < st->nargs; i++)
		pq_sendint32(&buf, ints[i]);
	ints = OOML_SECTION(st, l.types, const int32);
	for (int i = 0; i < st->nargs; i++)
		pq_sendint32(&buf, ints[i]);

	/* the double sections from coef to the names, the names, the row buffer */
	send_doubles(&buf, st, l.coef, l.names);
	pq_sendbytes(&buf, OOML_SECTION(st, l.names, const char), st->names_len);
	send_doubles(&buf, st, l.buffer, l.xbuf);
	return pq_endtypsend(&buf);
}

/* Parse the binary form; every size is checked before anything is allocated. */
static OomlState *
state_deserialize(StringInfo buf, int code)
{
	uint32		magic;
	int			version,
				kind,
				family,
				flags,
				nargs,
				ncoef,
				names_len,
				target_type,
				nbuf,
				weight_type;
	OomlLayout	l;
	OomlState  *st;
	int64		ndouble,
				nbuffer;
	int64		expect;
	int32	   *ints;

	/* the fixed header: 4 + 4*2 + 6*4 + 3*8 + 10*8 = 140 bytes */
	if (buf->len - buf->cursor < 140)
		invalid_state(code, "The value is too short.");
	magic = (uint32) pq_getmsgint(buf, 4);
	version = pq_getmsgint(buf, 2);
	kind = pq_getmsgint(buf, 2);
	family = pq_getmsgint(buf, 2);
	flags = pq_getmsgint(buf, 2);
	nargs = (int32) pq_getmsgint(buf, 4);
	ncoef = (int32) pq_getmsgint(buf, 4);
	names_len = (int32) pq_getmsgint(buf, 4);
	target_type = (int32) pq_getmsgint(buf, 4);
	nbuf = (int32) pq_getmsgint(buf, 4);
	weight_type = (int32) pq_getmsgint(buf, 4);

	if (magic != OOML_STATE_MAGIC)
		invalid_state(code, "The value does not start with ooml's magic number.");
	if (version != OOML_STATE_VERSION)
		invalid_state(code, "The value has an unknown format version.");
	if (family < 1 || family > ooml_family_count())
		invalid_state(code, "The model family is unknown.");
	if ((flags & ~OOML_FLAG_ALL) != 0)
		invalid_state(code, "The flags are invalid.");
	if (!ooml_layout(kind, flags, nargs, ncoef, names_len, &l))
		invalid_state(code, "The dimensions are out of range.");

	ndouble = (l.names - l.coef) / sizeof(double);
	nbuffer = (l.xbuf - l.buffer) / sizeof(double);
	expect = 3 * 8 + 10 * 8 + 2 * 4 * (int64) nargs + 8 * ndouble + names_len +
		8 * nbuffer;
	if ((int64) (buf->len - buf->cursor) != expect)
		invalid_state(code, "The size does not match the dimensions.");
	/* the same memory guard as for states ooml makes itself */
	if (ooml_state_bytes(kind, ncoef) > (int64) ooml_max_state_memory * 1024)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("ooml state of %d coefficients exceeds ooml.max_state_memory (%d MB)",
						ncoef, ooml_max_state_memory / 1024)));

	st = ooml_state_alloc(kind, family, flags, nargs, ncoef, names_len);
	st->target_type = target_type;
	st->nbuf = nbuf;
	st->weight_type = weight_type;
	st->n_rows = pq_getmsgint64(buf);
	st->n_skipped = pq_getmsgint64(buf);
	st->n_boundary = pq_getmsgint64(buf);
	st->l2 = pq_getmsgfloat8(buf);
	st->sum_w = pq_getmsgfloat8(buf);
	st->sum_wy = pq_getmsgfloat8(buf);
	st->sum_wyy = pq_getmsgfloat8(buf);
	st->loss = pq_getmsgfloat8(buf);
	st->l1 = pq_getmsgfloat8(buf);
	st->lr = pq_getmsgfloat8(buf);
	st->pearson = pq_getmsgfloat8(buf);
	st->ll_const = pq_getmsgfloat8(buf);
	st->aux = pq_getmsgfloat8(buf);

	ints = OOML_SECTION(st, l.widths, int32);
	for (int i = 0; i < nargs; i++)
		ints[i] = (int32) pq_getmsgint(buf, 4);
	ints = OOML_SECTION(st, l.types, int32);
	for (int i = 0; i < nargs; i++)
		ints[i] = (int32) pq_getmsgint(buf, 4);
	get_doubles(buf, st, l.coef, l.names);
	pq_copymsgbytes(buf, OOML_SECTION(st, l.names, char), names_len);
	get_doubles(buf, st, l.buffer, l.xbuf);

	ooml_state_check(st, VARSIZE(st));
	return st;
}

/* Parse the text form: base64 of the binary form. */
Datum
ooml_state_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	int			len = strlen(str);
	int			maxlen;
	StringInfoData buf;

	if (len == 0 || len % 4 != 0)
		invalid_state(ERRCODE_INVALID_TEXT_REPRESENTATION,
					  "The text is not base64 of an ooml state.");
	maxlen = pg_b64_dec_len(len);
	initStringInfo(&buf);
	enlargeStringInfo(&buf, maxlen);
	buf.len = pg_b64_decode(str, len, buf.data, maxlen);
	if (buf.len < 0)
		invalid_state(ERRCODE_INVALID_TEXT_REPRESENTATION,
					  "The text is not base64 of an ooml state.");
	buf.data[buf.len] = '\0';
	PG_RETURN_POINTER(state_deserialize(&buf, ERRCODE_INVALID_TEXT_REPRESENTATION));
}

/* Text form: base64 of the binary form. */
Datum
ooml_state_out(PG_FUNCTION_ARGS)
{
	OomlState  *st = PG_GETARG_OOMLSTATE(0);
	bytea	   *bin = state_serialize(st);
	int			len = VARSIZE_ANY_EXHDR(bin);
	int			outlen = pg_b64_enc_len(len);
	char	   *out = palloc(outlen + 1);
	int			n;

	n = pg_b64_encode(VARDATA_ANY(bin), len, out, outlen);
	if (n < 0)
		elog(ERROR, "could not encode ooml state");
	out[n] = '\0';
	PG_RETURN_CSTRING(out);
}

/* Binary input. */
Datum
ooml_state_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_POINTER(state_deserialize(buf, ERRCODE_INVALID_BINARY_REPRESENTATION));
}

/* Binary output. */
Datum
ooml_state_send(PG_FUNCTION_ARGS)
{
	OomlState  *st = PG_GETARG_OOMLSTATE(0);

	PG_RETURN_BYTEA_P(state_serialize(st));
}

/* Read a one-dimensional array without NULLs; returns the element count. */
static int
plain_array(ArrayType *a, Oid elemtype, const char *what)
{
	if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != elemtype)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array without NULLs", what)));
	return ArrayGetNItems(ARR_NDIM(a), ARR_DIMS(a));
}

/* An optional float8[] argument of n elements, finite and >= 0, or NULL. */
static double *
optional_vector(FunctionCallInfo fcinfo, int argno, int n, const char *what)
{
	ArrayType  *a;
	double	   *v;

	if (PG_ARGISNULL(argno))
		return NULL;
	a = PG_GETARG_ARRAYTYPE_P(argno);
	if (plain_array(a, FLOAT8OID, what) != n)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must have one element per coefficient (%d)", what, n)));
	v = (double *) ARR_DATA_PTR(a);
	for (int i = 0; i < n; i++)
		if (!(v[i] >= 0.0) || isinf(v[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must hold finite numbers >= 0", what)));
	return v;
}

static double
nonneg_arg(FunctionCallInfo fcinfo, int argno, const char *what)
{
	double		v = PG_ARGISNULL(argno) ? 0.0 : PG_GETARG_FLOAT8(argno);

	if (!(v >= 0.0) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number >= 0", what)));
	return v;
}

/*
 * make_state(kind, family, intercept, coef, widths, names, l2, moments, stats,
 *			  refine, solve, penalty_weights, l1, learning_rate, adagrad,
 *			  weights, hessian, offset)
 *		Build the seed state of a pass: the weights to evaluate and the
 *		shape of the rows, nothing else (OOML_FLAG_SEED).  The driver
 *		passes it as the first argument of ooml.pass; the transition
 *		function copies it into a pass's state on the first row.
 *		names holds the target's name, the feature arguments' names and,
 *		with weights, the weight column's name last.
 */
Datum
ooml_make_state(PG_FUNCTION_ARGS)
{
	char	   *kind_name;
	char	   *family_name;
	bool		intercept;
	ArrayType  *coef_a;
	ArrayType  *widths_a;
	ArrayType  *names_a;
	double		l2,
				l1,
				lr;
	double	   *pw_in,
			   *ada_in;
	int			flags = OOML_FLAG_SEED;
	int			kind,
				family,
				ncoef,
				nargs,
				nnames;
	int64		sum = 0;
	int			names_len = 0;
	Datum	   *name_datums;
	OomlState  *st;
	OomlLayout	l;
	int32	   *widths;
	char	   *names;
	double	   *pw;

	for (int i = 0; i < 11; i++)
		if (PG_ARGISNULL(i))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("arguments of ooml.make_state must not be NULL"),
					 errdetail("Only penalty_weights, l1, learning_rate and adagrad may be NULL.")));

	kind_name = text_to_cstring(PG_GETARG_TEXT_PP(0));
	family_name = text_to_cstring(PG_GETARG_TEXT_PP(1));
	intercept = PG_GETARG_BOOL(2);
	coef_a = PG_GETARG_ARRAYTYPE_P(3);
	widths_a = PG_GETARG_ARRAYTYPE_P(4);
	names_a = PG_GETARG_ARRAYTYPE_P(5);
	l2 = nonneg_arg(fcinfo, 6, "l2");
	if (PG_GETARG_BOOL(7))
		flags |= OOML_FLAG_MOMENTS;
	if (PG_GETARG_BOOL(8))
		flags |= OOML_FLAG_STATS;
	if (PG_GETARG_BOOL(9))
		flags |= OOML_FLAG_REFINE;
	if (PG_GETARG_BOOL(10))
		flags |= OOML_FLAG_SOLVE;
	l1 = nonneg_arg(fcinfo, 12, "l1");
	lr = nonneg_arg(fcinfo, 13, "learning_rate");
	if (!PG_ARGISNULL(15) && PG_GETARG_BOOL(15))
		flags |= OOML_FLAG_WEIGHTS;
	if (!PG_ARGISNULL(16) && PG_GETARG_BOOL(16))
		flags |= OOML_FLAG_HESSIAN;
	if (!PG_ARGISNULL(17) && PG_GETARG_BOOL(17))
		flags |= OOML_FLAG_OFFSET;
	if (intercept)
		flags |= OOML_FLAG_INTERCEPT;

	kind = pass_kind_id(kind_name);
	family = ooml_family_id(family_name);
	if (kind == OOML_PASS_QR && family != OOML_FAMILY_GAUSSIAN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a QR pass fits least squares: its family must be \"gaussian\"")));
	if ((flags & OOML_FLAG_REFINE) && kind != OOML_PASS_QR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("refine applies to QR passes only")));
	if ((flags & OOML_FLAG_REFINE) &&
		ArrayGetNItems(ARR_NDIM(coef_a), ARR_DIMS(coef_a)) > OOML_REFINE_MAX_COEF)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a QR pass refines at most %d coefficients", OOML_REFINE_MAX_COEF)));
	if ((flags & OOML_FLAG_SOLVE) &&
		(kind != OOML_PASS_NEWTON || !ooml_family(family)->quadratic))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("solve applies to Newton passes of a quadratic loss only")));
	if ((flags & OOML_FLAG_HESSIAN) && kind != OOML_PASS_NEWTON)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("hessian applies to Newton passes only")));
	if (kind == OOML_PASS_SGD && !(lr > 0.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an SGD pass needs a learning_rate > 0")));
	if (l1 > 0.0 && kind != OOML_PASS_SGD)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("l1 applies to SGD passes only"),
				 errdetail("Other passes compute the smooth part of the objective; the optimizer adds the l1 term.")));
	ncoef = plain_array(coef_a, FLOAT8OID, "coef");
	nargs = plain_array(widths_a, INT4OID, "widths");
	nnames = plain_array(names_a, TEXTOID, "names");

	if (nnames != nargs + 1 + ((flags & OOML_FLAG_WEIGHTS) ? 1 : 0) +
		((flags & OOML_FLAG_OFFSET) ? 1 : 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("names must hold the target, one name per feature argument and, with weights and offset, their columns")));
	if (nargs > OOML_MAX_ARGS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("too many feature arguments (%d, at most %d)",
						nargs, OOML_MAX_ARGS)));
	for (int i = 0; i < nargs; i++)
	{
		int32		w = ((int32 *) ARR_DATA_PTR(widths_a))[i];

		if (w < 1)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("feature widths must be >= 1")));
		sum += w;
	}
	/* a multinomial model has one block of coefficients per non-reference class */
	sum += intercept ? 1 : 0;
	if (ooml_family(family)->row_multi != NULL && sum > 0 && ncoef % sum == 0 &&
		ncoef / sum >= OOML_MAX_CLASSES)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a multinomial model has at most %d classes", OOML_MAX_CLASSES)));
	if (ooml_family(family)->row_multi != NULL ?
		(sum < 1 || ncoef % sum != 0) : sum != ncoef)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("coef has %d elements, but the features and intercept need " INT64_FORMAT "%s",
						ncoef, sum,
						ooml_family(family)->row_multi != NULL ? " per class" : "")));
	if (ncoef < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a model needs at least one coefficient")));
	if (ooml_family(family)->row_multi != NULL && ncoef == sum)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a multinomial model needs at least three classes, but coef has one block of " INT64_FORMAT " coefficients", sum),
				 errdetail("A multinomial model has a block of coefficients per class but the first."),
				 errhint("Two classes are a binomial model: use the binomial family.")));
	pw_in = optional_vector(fcinfo, 11, ncoef, "penalty_weights");
	ada_in = optional_vector(fcinfo, 14, ncoef, "adagrad");

	/* refuse states larger than ooml.max_state_memory before allocating */
	if (ooml_state_bytes(kind, ncoef) > (int64) ooml_max_state_memory * 1024)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("a %s pass over %d coefficients needs " INT64_FORMAT " MB of state, more than ooml.max_state_memory (%d MB)",
						kind_name, ncoef,
						ooml_state_bytes(kind, ncoef) / (1024 * 1024),
						ooml_max_state_memory / 1024),
				 errhint(kind == OOML_PASS_NEWTON || kind == OOML_PASS_QR ?
						 "Use optimizer => 'lbfgs', whose state grows linearly with the number of features, or raise ooml.max_state_memory." :
						 "Raise ooml.max_state_memory.")));

	deconstruct_array(names_a, TEXTOID, -1, false, TYPALIGN_INT,
					  &name_datums, NULL, &nnames);
	for (int i = 0; i < nnames; i++)
		names_len += VARSIZE_ANY_EXHDR(DatumGetPointer(name_datums[i])) + 1;

	st = ooml_state_alloc(kind, family, flags, nargs, ncoef, names_len);
	ooml_layout(kind, flags, nargs, ncoef, names_len, &l);
	st->l2 = l2;
	st->l1 = l1;
	st->lr = lr;
	widths = OOML_SECTION(st, l.widths, int32);
	memcpy(widths, ARR_DATA_PTR(widths_a), sizeof(int32) * nargs);
	memcpy(OOML_SECTION(st, l.coef, double), ARR_DATA_PTR(coef_a),
		   sizeof(double) * ncoef);
	pw = OOML_SECTION(st, l.pw, double);
	for (int j = 0; j < ncoef; j++)
		pw[j] = pw_in ? pw_in[j] : ((intercept && j == 0) ? 0.0 : 1.0);
	if (l.ada && ada_in)
		memcpy(OOML_SECTION(st, l.ada, double), ada_in, sizeof(double) * ncoef);
	if (l.avg)
		memcpy(OOML_SECTION(st, l.avg, double), ARR_DATA_PTR(coef_a),
			   sizeof(double) * ncoef);
	names = OOML_SECTION(st, l.names, char);
	for (int i = 0; i < nnames; i++)
	{
		text	   *t = DatumGetTextPP(name_datums[i]);
		int			n = VARSIZE_ANY_EXHDR(t);

		if (memchr(VARDATA_ANY(t), '\0', n) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("names must not contain NUL bytes")));
		memcpy(names, VARDATA_ANY(t), n);
		names[n] = '\0';
		names += n + 1;
	}
	for (int i = 0; i < ncoef; i++)
		if (!isfinite(OOML_SECTION(st, l.coef, double)[i]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("coef must hold finite numbers")));

	ooml_state_check(st, VARSIZE(st));
	PG_RETURN_POINTER(st);
}
