/*-------------------------------------------------------------------------
 *
 * ooml.h
 *	  Shared declarations of ooml: the aggregate state type, the interface
 *	  of a model family, row reading, and the LAPACK-backed solvers.
 *
 * The layering is:
 *
 *	family_*.c	per-row math of one model family (loss, derivative,
 *				curvature, inverse link); nothing else
 *	state.c		the ooml.state type: layout, validation, I/O
 *	pass.c		the aggregate: transition, combine and final functions,
 *				family-agnostic
 *	rowread.c	turning SQL values (scalars and arrays) into doubles
 *	solve.c		the only file that calls LAPACK
 *	predict.c	scoring with a stored model
 *	vecops.c	small vector helpers used by the PL/pgSQL driver
 *	distrib.c	probability distributions (p-values)
 *
 *-------------------------------------------------------------------------
 */
#ifndef OOML_H
#define OOML_H

#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "utils/array.h"

/*
 * The aggregate state.
 *
 * One varlena value holds everything a pass needs: the pass kind, the
 * family, the dimensions, the weights at which the pass is evaluated, the
 * names of the input columns (for error messages), and the accumulators.
 * Parallel workers, and other nodes through the text or binary I/O
 * functions, exchange exactly this value.
 *
 * After the fixed header come, in this order (each section starts on a
 * double boundary):
 *
 *	int32	widths[nargs]	values each feature argument contributes
 *	int32	types[nargs]	OomlArgType of each feature argument (0 = unset)
 *	double	coef[ncoef]		weights the pass is evaluated at (SGD: the
 *							current iterate, updated row by row)
 *	double	grad[ncoef]		sum of w * dloss/deta * x
 *	double	pw[ncoef]		penalty weights: the penalty is
 *							l2/2 sum pw_j b_j^2 (+ l1 sum sqrt(pw_j) |b_j|);
 *							0 for the intercept, 1 or sd_j^2 (standardize)
 *	double	avg[ncoef]		SGD: average of the iterates of this pass
 *	double	ada[ncoef]		SGD: AdaGrad's sums of squared gradients
 *	double	hess[ncoef^2]	sum of w * d2loss/deta2 * x x' (NEWTON only;
 *							upper triangle, column-major)
 *	double	raug[q^2]		R factor of [X y], q = ncoef + 1 (QR only)
 *	double	gram[2 q^2]		[X y]'[X y] in double-double (QR with REFINE):
 *							the high parts, then the low parts
 *	double	sumx[ncoef]		sum of w * x (MOMENTS only)
 *	double	sumxx[ncoef]	sum of w * x^2 (MOMENTS only)
 *	char	names[names_len] target name, then one name per feature
 *							argument, each NUL-terminated
 *
 * then the row buffer, last, so that states buffering more or fewer rows
 * (OOML_FLAG_BIG_BLOCKS) agree on everything before it:
 *
 *	double	qbuf[B * q]		rows waiting to be folded into raug (QR, one
 *							column after the other); GRADIENT and NEWTON with
 *							one linear predictor: the rows [1, x] waiting to
 *							be computed as a block (B = ooml_block_rows rows of
 *							ncoef values, one row after the other); NEWTON with
 *							several: the rows' values and w times their
 *							curvature (see ooml_newton_block_rows)
 *	double	pend[3 B]		GRADIENT and NEWTON: the buffered rows' targets,
 *							then their weights, then their offsets
 *	double	xbuf[ncoef]		scratch for the current row
 *
 * A seed (OOML_FLAG_SEED, what ooml.make_state returns) holds only what a
 * pass starts from: widths, types, coef, pw, ada (SGD) and names, in that
 * order, without sums, buffer or scratch.  The pass copies it into a state
 * of the layout above.  A seed is part of every pass query's plan, which
 * PostgreSQL writes out as text for each parallel worker to parse, and of
 * every group's row in grouped training, so it is kept small.
 *
 * A packed state (OOML_FLAG_PACKED) is a gradient or Newton pass's state
 * with every row computed, without the row buffer and the scratch row: the
 * sections up to the names.  It is the flat form of the expanded object a
 * pass keeps its state in while it runs (pass.c), so it is what leaves the
 * aggregate: a parallel worker's partial state, the final function's input,
 * the result of ooml.pass_state.  It can be combined, finished, stored and
 * used as a seed, but takes no rows.
 */
#define OOML_STATE_MAGIC	0x4F4F4D4C	/* "OOML" */
#define OOML_STATE_VERSION	3

/* Upper bounds that keep a (possibly hostile) state's sizes sane. */
#define OOML_MAX_COEF		10000000
#define OOML_MAX_ARGS		1600	/* MaxTupleAttributeNumber-ish */
#define OOML_MAX_NAMES_LEN	(OOML_MAX_ARGS * (NAMEDATALEN + 1) + NAMEDATALEN + 1)

typedef enum OomlPassKind
{
	OOML_PASS_GRADIENT = 1,		/* loss and gradient: O(p) state */
	OOML_PASS_NEWTON = 2,		/* loss, gradient and Hessian: O(p^2) */
	OOML_PASS_QR = 3,			/* least squares by tall-skinny QR: O(p^2) */
	OOML_PASS_SGD = 4			/* one epoch of stochastic gradient: O(p) */
} OomlPassKind;

#define OOML_PASS_KIND_MAX	4

/*
 * rows a QR state buffers before folding them into its R factor; rows a
 * gradient or Newton state buffers without OOML_FLAG_BIG_BLOCKS (fewer for
 * wide gradient rows: see ooml_block_rows); and the chunk in which gradient
 * and Newton states compute their rows with BLAS
 */
#define OOML_QR_BLOCK		64

/*
 * rows a gradient or Newton state with OOML_FLAG_BIG_BLOCKS buffers: as
 * many as OOML_BIG_BUF_VALUES values hold, up to OOML_BIG_BLOCK, and never
 * fewer than without the flag.  The rows are computed in chunks of
 * OOML_QR_BLOCK all at once, so that BLAS is called in bursts (and the
 * Hessian folded by one dsyrk), which costs a pass less than calls between
 * every few rows: see compute_block.  Without the flag (hashed aggregation,
 * many states at once): OOML_QR_BLOCK rows, fewer for wide gradient rows.
 */
#define OOML_BIG_BLOCK	1024
#define OOML_BIG_BUF_VALUES 32768

/*
 * most values a gradient state buffers (B rows of ncoef): wider rows are
 * computed one by one, without a buffer
 */
#define OOML_GRAD_BUF_VALUES 8192

/* most coefficients of a QR pass that refines (its cost per row is O(p^2)) */
#define OOML_REFINE_MAX_COEF 64

/* flags */
#define OOML_FLAG_INTERCEPT		0x0001	/* coef[0] is an intercept */
#define OOML_FLAG_MOMENTS		0x0002	/* accumulate sumx and sumxx */
#define OOML_FLAG_STATS			0x0004	/* final: covariance, condition */
#define OOML_FLAG_REFINE		0x0008	/* QR: double-double Gram, refinement */
#define OOML_FLAG_SOLVE			0x0010	/* NEWTON, quadratic loss: report the
										 * statistics at the Newton point */
#define OOML_FLAG_WEIGHTS		0x0020	/* a row weight follows the target */
#define OOML_FLAG_HESSIAN		0x0040	/* NEWTON final: return the Hessian */
#define OOML_FLAG_OFFSET		0x0080	/* an offset follows the target (and weight) */
#define OOML_FLAG_BIG_BLOCKS	0x0100	/* GRADIENT, NEWTON: buffers up to
										 * OOML_BIG_BLOCK rows (set by the
										 * transition function outside hashed
										 * aggregation) */
#define OOML_FLAG_SEED			0x0200	/* a seed: the sections a pass starts
										 * from, nothing summed or buffered */
#define OOML_FLAG_PACKED		0x0400	/* GRADIENT, NEWTON: a pass's state
										 * without row buffer and scratch,
										 * every row computed (nbuf = 0) */
#define OOML_FLAG_ALL			0x07FF

typedef struct OomlState
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	uint32		magic;
	uint16		version;
	uint16		kind;			/* OomlPassKind */
	uint16		family;			/* OomlFamilyId */
	uint16		flags;
	int32		nargs;			/* number of feature arguments */
	int32		ncoef;			/* number of coefficients, p */
	int32		names_len;		/* bytes in the names section */
	int32		target_type;	/* OomlArgType of the target (0 = unset) */
	int32		nbuf;			/* rows in qbuf */
	int32		weight_type;	/* OomlArgType of the row weight (0 = none) */
	int64		n_rows;			/* rows used */
	int64		n_skipped;		/* rows skipped for a NULL */
	int64		n_boundary;		/* rows fitted at the family's boundary */
	double		l2;				/* ridge penalty, weighted by pw */
	double		l1;				/* lasso penalty (SGD only; else the driver's) */
	double		lr;				/* SGD: AdaGrad's learning rate */
	double		sum_w;			/* sum of weights */
	double		sum_wy;			/* sum of w * y */
	double		sum_wyy;		/* sum of w * y^2 */
	double		loss;			/* sum of w * loss */
	double		pearson;		/* sum of w (y - mu)^2 / V(mu) (STATS passes) */
	double		ll_const;		/* family's sums of y alone, for the */
	double		aux;			/* log-likelihood and the null deviance */
	double		data[FLEXIBLE_ARRAY_MEMBER];
} OomlState;

/* Byte offsets of the sections, computed from the header. */
typedef struct OomlLayout
{
	Size		widths;
	Size		types;
	Size		coef;
	Size		grad;
	Size		pw;
	Size		avg;			/* 0 if absent */
	Size		ada;			/* 0 if absent */
	Size		hess;			/* 0 if absent */
	Size		raug;			/* 0 if absent */
	Size		qbuf;			/* 0 if absent */
	Size		pend;			/* 0 if absent */
	Size		gram;			/* 0 if absent */
	Size		sumx;			/* 0 if absent */
	Size		sumxx;			/* 0 if absent */
	Size		names;
	Size		xbuf;
	Size		buffer;			/* where the row buffer (qbuf, pend) starts */
	Size		total;			/* size of the whole varlena */
} OomlLayout;

#define DatumGetOomlState(d)	((OomlState *) PG_DETOAST_DATUM(d))
#define PG_GETARG_OOMLSTATE(n)	DatumGetOomlState(PG_GETARG_DATUM(n))

extern bool ooml_layout(int kind, int flags, int64 nargs, int64 ncoef,
						int64 names_len, OomlLayout *layout);
extern void ooml_state_check(const OomlState *st, Size size);
extern OomlState *ooml_state_alloc(int kind, int family, int flags,
								   int nargs, int ncoef, int names_len);
extern void ooml_state_reset(OomlState *st);
extern const char *ooml_state_name(const OomlState *st, int i);
extern int64 ooml_state_bytes(int kind, int64 ncoef);
extern int	ooml_state_predictors(const OomlState *st, const OomlLayout *l);
extern int	ooml_newton_block_rows(int ncoef, int flags, int nlp);
extern int	ooml_block_rows(int kind, int flags, int64 ncoef);

#define OOML_SECTION(st, off, type)	((type *) ((char *) (st) + (off)))

/*
 * A model family: the per-row math of one loss.
 *
 * Everything a family knows about a row is its target y and its linear
 * predictor eta.  The engine does the rest: reading the row, the dot
 * product, accumulating gradient and Hessian, combining, solving.
 */
typedef enum OomlFamilyId
{
	OOML_FAMILY_BINOMIAL = 1,	/* logistic regression */
	OOML_FAMILY_GAUSSIAN = 2	/* least squares */
	/* the generalized linear model families follow (family_glm.c) */
} OomlFamilyId;

typedef struct OomlFamily OomlFamily;

struct OomlFamily
{
	const char *name;
	const char *link;
	/* the rule a target value must obey, for error messages */
	const char *target_rule;
	bool		binary_target;	/* targets are 0 or 1 (checked inline) */
	bool		(*valid_target) (double y);	/* otherwise this decides */
	/*
	 * loss of one row, its first and second derivative in eta; the second
	 * must be >= 0 (use the expected information where the observed one
	 * could be negative)
	 */
	void		(*row) (double y, double eta,
						double *loss, double *dloss, double *d2loss);
	/*
	 * optional: row for m rows at once, each row's loss, dloss and d2loss
	 * into the arrays, for a family whose math vectorizes; returns how many
	 * of the rows at_boundary counts
	 */
	int			(*rows) (int m, const double *y, const double *eta,
						 double *loss, double *dloss, double *d2loss);
	/* inverse link: the prediction at eta */
	double		(*mean) (double eta);
	/* is the fitted value at eta numerically on the boundary? (may be NULL) */
	bool		(*at_boundary) (double eta);
	/* is the dispersion estimated (t statistics) or fixed at 1 (z)? */
	bool		estimate_dispersion;
	/* is the loss exactly quadratic in eta (one Newton step solves it)? */
	bool		quadratic;
	/* log-likelihood of a fit whose (unpenalized) losses sum to loss_sum */
	double		(*loglik) (const OomlState *st, double loss_sum);
	/* log-likelihood of the intercept-only model (may be NULL) */
	double		(*null_loglik) (const OomlState *st);
	/* deviance of the intercept-only model (or of eta = 0 without one) */
	double		(*null_deviance) (const OomlState *st);
	/* a row's contribution to ll_const and aux (may be NULL) */
	void		(*row_const) (double y, double *c1, double *c2);
	/* (y - mu)^2 / V(mu), the row's Pearson residual squared */
	double		(*pearson) (double y, double eta);
	/* parameters besides the coefficients, for the AIC (sigma, shape) */
	int			extra_params;

	/*
	 * A family with several linear predictors per row (the multinomial
	 * logit) sets row_multi instead of row: for q predictors eta[q] and the
	 * class index y in 0..q, the row's loss, its gradient in eta (q values)
	 * and, when curv is not NULL, its curvature in eta, a q x q positive
	 * semidefinite matrix, as its upper triangle packed by columns
	 * (curv[l (l + 1) / 2 + k] for k <= l).  The state then holds q blocks
	 * of coefficients, one per predictor, each laid out as a binary model's.
	 */
	void		(*row_multi) (int q, int y, const double *eta,
							  double *loss, double *dloss, double *curv);
};

extern const OomlFamily ooml_family_binomial;
extern const OomlFamily ooml_family_gaussian;
extern const OomlFamily ooml_family_hinge;
extern const OomlFamily ooml_family_squared_hinge;
extern const OomlFamily ooml_family_multinomial;

/* most classes of a multinomial model */
#define OOML_MAX_CLASSES	1000

extern const OomlFamily *ooml_family(int id);
extern int	ooml_family_id(const char *name);
extern int	ooml_family_count(void);
extern const OomlFamily *ooml_glm_family(int i);	/* family_glm.c, i >= 0 */
extern int	ooml_glm_family_count(void);

/* Is y a target value of family fam?  (Per row: 0/1 families inline.) */
static inline bool
ooml_valid_target(const OomlFamily *fam, double y)
{
	return isfinite(y) && (fam->binary_target ? (y == 0.0 || y == 1.0) : fam->valid_target(y));
}

/*
 * The values of a float8[] or float4[] (elements of elemsize bytes) as the
 * array is in the row, without copying it: a pointer to its values, *n of
 * them, if it is one-dimensional without NULLs and neither compressed nor
 * toasted; otherwise NULL, and it must be detoasted.  An array of up to 13
 * float8 values is stored with a 1-byte length (a short varlena), its
 * values then unaligned (copy them with memcpy), and DatumGetArrayTypeP
 * would copy it into a new palloc'd chunk for every row.  The length must
 * agree with the dimension, so nothing beyond the datum is read.
 */
static inline const char *
ooml_array_values(Datum d, Size elemsize, int *n)
{
	const char *p = DatumGetPointer(d);
	const char *fields;			/* what follows the length word */
	Size		size;
	int32		hdr[4];			/* ndim, dataoffset, elemtype, dims[0] */
	const Size	data = ARR_OVERHEAD_NONULLS(1) - VARHDRSZ;

	if (VARATT_IS_4B_U(p))
	{
		fields = VARDATA(p);
		size = VARSIZE(p) - VARHDRSZ;
	}
	else if (VARATT_IS_1B(p) && !VARATT_IS_1B_E(p))
	{
		fields = VARDATA_SHORT(p);
		size = VARSIZE_SHORT(p) - VARHDRSZ_SHORT;
	}
	else
		return NULL;
	if (size < data)
		return NULL;
	memcpy(hdr, fields, sizeof(hdr));
	if (hdr[0] != 1 || hdr[1] != 0 || hdr[3] < 0 ||
		size != data + elemsize * (Size) hdr[3])
		return NULL;
	*n = hdr[3];
	return fields + data;
}

/* Reading SQL values as doubles (rowread.c). */
typedef enum OomlArgType
{
	OOML_ARG_UNSET = 0,
	OOML_ARG_FLOAT8,
	OOML_ARG_FLOAT4,
	OOML_ARG_INT2,
	OOML_ARG_INT4,
	OOML_ARG_INT8,
	OOML_ARG_NUMERIC,
	OOML_ARG_BOOL,
	OOML_ARG_FLOAT8_ARRAY,
	OOML_ARG_FLOAT4_ARRAY
} OomlArgType;

#define OOML_ARG_TYPE_MAX	OOML_ARG_FLOAT4_ARRAY

extern OomlArgType ooml_arg_type(Oid typid);
extern bool ooml_arg_is_array(OomlArgType t);
extern double ooml_read_scalar(Datum d, OomlArgType t);
typedef enum OomlReadStatus
{
	OOML_READ_OK = 0,
	OOML_READ_NULL,				/* an array element is NULL: skip the row */
	OOML_READ_NOT_1D,
	OOML_READ_LENGTH,
	OOML_READ_NAN,
	OOML_READ_INF
} OomlReadStatus;

extern OomlReadStatus ooml_read_values(Datum d, OomlArgType t, int width,
									   double *dst, int *got, bool check_finite);
extern void ooml_read_error(OomlReadStatus status, const char *colname,
							int width, int got) pg_attribute_noreturn();

/*
 * Read a value of the commonest scalar types inline, on the per-row paths
 * (no call, no finiteness check); false for the other types, which
 * ooml_read_values reads.
 */
static inline bool
ooml_read_common(Datum d, OomlArgType t, double *dst)
{
	switch (t)
	{
		case OOML_ARG_FLOAT8:
			*dst = DatumGetFloat8(d);
			return true;
		case OOML_ARG_INT4:
			*dst = (double) DatumGetInt32(d);
			return true;
		case OOML_ARG_BOOL:
			*dst = DatumGetBool(d) ? 1.0 : 0.0;
			return true;
		default:
			return false;
	}
}

/* Least squares by tall-skinny QR (lsq.c). */
typedef struct OomlQrFit
{
	int			rank;
	int			naliased;
	int		   *aliased;		/* 1-based indexes of aliased coefficients */
	int			refinements;	/* refinement steps taken */
	double	   *solution;
	double		loss;			/* the objective at the solution */
	double		rss;
	double		tss;			/* about the mean with an intercept */
	double		grad_norm;
	double	   *std_err;
	double		condition_number;	/* of X: sqrt of that of X'X */
} OomlQrFit;

extern void ooml_qr_add_row(OomlState *st, const OomlLayout *l,
							const double *x, double y);
extern void ooml_qr_merge(OomlState *a, const OomlState *b, const OomlLayout *l);
extern void ooml_qr_fit(const OomlState *st, const OomlLayout *l, OomlQrFit *fit);

/*
 * Hot loops that gain from instructions newer than the x86-64 baseline get
 * a second, FMA/AVX2 version, chosen when the library is loaded (GCC's
 * target_clones); the baseline version stays for older processors.  The
 * transition function has an AVX2 version too, for its 256-bit copy of the
 * row's arguments.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define OOML_CLONES	__attribute__((target_clones("fma", "default")))
#define OOML_ROW_CLONES	__attribute__((target_clones("avx2", "fma", "default")))
#else
#define OOML_CLONES
#define OOML_ROW_CLONES
#endif

/*
 * Dot product with four independent partial sums: a single running sum is
 * a chain of dependent additions, each waiting for the last (the hot spot
 * of a pass); four chains run side by side.
 */
static inline double
ooml_dot(const double *a, const double *b, int n)
{
	double		s0 = 0.0,
				s1 = 0.0,
				s2 = 0.0,
				s3 = 0.0;
	int			j = 0;

	for (; j + 4 <= n; j += 4)
	{
		s0 += a[j] * b[j];
		s1 += a[j + 1] * b[j + 1];
		s2 += a[j + 2] * b[j + 2];
		s3 += a[j + 3] * b[j + 3];
	}
	for (; j < n; j++)
		s0 += a[j] * b[j];
	return (s0 + s1) + (s2 + s3);
}

/* Solvers (solve.c): the only users of LAPACK. */
extern void ooml_symmetrize(int n, double *a);
extern int	ooml_cholesky(int n, double *a, double *rcond);
extern void ooml_cholesky_solve(int n, const double *chol, double *b);
extern void ooml_cholesky_inverse(int n, double *chol);
extern void ooml_cholesky_inverse_diag(int n, const double *chol, double *d);

/* eigen and singular value decompositions run up to this order (O(p^3), not interruptible) */
#define OOML_CONDITION_MAX	500
extern int	ooml_rank_pivots(int n, const double *a, int *piv);
extern double ooml_condition_number(int n, const double *a);
extern void ooml_syrk_add(int p, double *c, const double *rows, int m);
extern void ooml_rows_dot(int p, int m, const double *rows, const double *b, double *out);
extern void ooml_rows_axpy(int p, int m, const double *rows, const double *c, double *g);
extern void ooml_syrk_add_block(int n, double *c, int ldc, const double *rows, int m,
								double alpha);
extern void ooml_tsqr_add(int q, double *r, double *rows, int m, int ldrows,
						  bool triangular);
extern void ooml_triangular_solve(int n, const double *r, int ldr, double *b,
								  bool transpose);
extern double ooml_triangular_condition(int n, const double *r, int ldr);

/* SQL arrays of doubles (vecops.c). */
extern Datum ooml_float8_array(const double *v, int n);
extern double *ooml_float8_arg(FunctionCallInfo fcinfo, int argno, int *n);

/* Distributions (distrib.c). */
extern double ooml_two_sided_p(double statistic, double df);
extern double ooml_f_upper(double f, double df1, double df2);

/* GUCs */
extern int	ooml_max_state_memory;	/* kB */

#endif							/* OOML_H */
