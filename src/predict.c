/*-------------------------------------------------------------------------
 *
 * predict.c
 *	  Scoring rows with a stored model.
 *
 *	  ooml.predict(model text, row record) returns float8
 *	  ooml.predict(model text, features float8[]) returns float8
 *	  ooml.predict(model text, value1 "any", VARIADIC values "any") returns float8
 *
 * (and predict_class, predict_proba with the same three forms).  The third
 * form takes one argument per feature, so that a table with a column per
 * feature is scored without building a composite datum or an array for
 * every row.
 *
 * The model is read from ooml.models once per query (per call site) and
 * kept in fn_extra, together with where its features sit in the row type
 * at hand; every row after the first costs a dot product.  The cache lives
 * in the query's memory and so never outlives the snapshot it was read
 * with.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_predict_record);
PG_FUNCTION_INFO_V1(ooml_predict_array);
PG_FUNCTION_INFO_V1(ooml_predict_class_record);
PG_FUNCTION_INFO_V1(ooml_predict_class_array);
PG_FUNCTION_INFO_V1(ooml_predict_proba_record);
PG_FUNCTION_INFO_V1(ooml_predict_proba_array);
PG_FUNCTION_INFO_V1(ooml_predict_values);
PG_FUNCTION_INFO_V1(ooml_predict_class_values);
PG_FUNCTION_INFO_V1(ooml_predict_proba_values);

/* How the features are passed: a row, an array, or an argument each. */
typedef enum ScoreForm
{
	SCORE_ROW,
	SCORE_ARRAY,
	SCORE_VALUES
} ScoreForm;

/* The coefficients of one group of a grouped model. */
typedef struct OomlGroup
{
	char	   *key;			/* the group values, encoded by group_key() */
	double	   *coef;
	/* a multinomial model's group is the classifier of its own labels */
	int			nlp;			/* their number - 1 */
	char	  **classes;		/* the labels */
	int		   *cls_index;		/* their positions in the model's classes */
} OomlGroup;

typedef struct OomlModel
{
	char	   *name;
	int			namelen;
	const OomlFamily *family;
	bool		intercept;
	int			ncoef;			/* coefficients per linear predictor */
	int			nlp;			/* linear predictors: 1, or K - 1 (multinomial) */
	double	   *coef;			/* nlp blocks of ncoef */
	double	   *eta;			/* scratch: the nlp predictors of a row */
	int			nfeatures;
	char	  **features;
	int		   *widths;			/* values per feature */
	bool	   *is_array;
	double	   *x;				/* scratch: one row, intercept first */
	char	   *offset;			/* the offset column, or NULL */
	int			nclass;			/* a classifier's number of labels, or 0 */
	char	  **classes;		/* its labels, reference (negative) class first */
	bool		is_svm;			/* scores are margins, not probabilities */
	int			offset_idx;		/* its attribute index in the row type */
	OomlArgType offset_type;

	/* a grouped model: one set of coefficients per group */
	int			ngroupcols;		/* 0 for a model without groups */
	char	  **groupcols;		/* ooml.models.group_by */
	int			ngroups;
	OomlGroup  *groups;			/* sorted by key */
	OomlGroup  *group;			/* the group of the row being scored */
	int		   *group_attidx;	/* 0-based attribute index per group column */
	FmgrInfo   *group_out;		/* their output functions */
	StringInfoData key;			/* scratch: the key of a row */
	char	  **group_vals;		/* scratch: its group values as text */

	/* where the features are in the last row type seen */
	Oid			tuptype;			/* InvalidOid until the first row */
	int32		tuptypmod;
	int			natts;
	int		   *attidx;			/* 0-based attribute index per feature */
	OomlArgType *types;
	Datum	   *values;
	bool	   *isnull;

	/* the argument types of the call site, for the one-argument-per-feature form */
	OomlArgType *arg_types;		/* NULL until the first row */
} OomlModel;

/* Copy a text[] or int4[] column value into the given context. */
static int
model_array(Datum d, Oid elemtype, MemoryContext cxt, Datum **elems)
{
	ArrayType  *a = DatumGetArrayTypeP(d);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	int			n;
	bool	   *nulls;

	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign, elems, &nulls, &n);
	for (int i = 0; i < n; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("ooml.models holds a NULL inside an array")));
	if (elemtype == TEXTOID)
		for (int i = 0; i < n; i++)
			(*elems)[i] = PointerGetDatum(MemoryContextStrdup(cxt, TextDatumGetCString((*elems)[i])));
	return n;
}

/*
 * The key of a group: its values as text, each preceded by its length, so
 * that no two lists of values share a key.
 */
static void
group_key(StringInfo buf, int n, char **values)
{
	resetStringInfo(buf);
	for (int i = 0; i < n; i++)
		appendStringInfo(buf, "%zu:%s", strlen(values[i]), values[i]);
}

static int
group_cmp(const void *a, const void *b)
{
	return strcmp(((const OomlGroup *) a)->key, ((const OomlGroup *) b)->key);
}

/* Read the trained groups of a grouped model (inside the SPI connection). */
static void
load_groups(OomlModel *m, MemoryContext cxt, text *name_t)
{
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1] = {PointerGetDatum(name_t)};
	char	  **values = palloc(sizeof(char *) * m->ngroupcols);

	if (SPI_execute_with_args("SELECT group_values, coef, classes FROM ooml.model_groups "
							  "WHERE model OPERATOR(pg_catalog.=) $1 AND status OPERATOR(pg_catalog.=) 'trained'",
							  1, argtypes, args, NULL, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "ooml: could not read ooml.model_groups");
	m->ngroups = (int) SPI_processed;
	m->groups = MemoryContextAlloc(cxt, sizeof(OomlGroup) * Max(m->ngroups, 1));
	m->group_vals = MemoryContextAlloc(cxt, sizeof(char *) * m->ngroupcols);
	{
		/* the key buffer serves every row of the query */
		MemoryContext old = MemoryContextSwitchTo(cxt);

		initStringInfo(&m->key);
		MemoryContextSwitchTo(old);
	}
	for (int g = 0; g < m->ngroups; g++)
	{
		HeapTuple	tup = SPI_tuptable->vals[g];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		Datum	   *elems;
		bool		isnull;
		int			n;

		n = model_array(SPI_getbinval(tup, desc, 1, &isnull), TEXTOID, CurrentMemoryContext, &elems);
		if (isnull || n != m->ngroupcols)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("a group of model \"%s\" has %d values for %d group columns",
							m->name, n, m->ngroupcols)));
		for (int i = 0; i < n; i++)
			values[i] = DatumGetPointer(elems[i]);
		group_key(&m->key, n, values);
		m->groups[g].key = MemoryContextStrdup(cxt, m->key.data);

		n = model_array(SPI_getbinval(tup, desc, 2, &isnull), FLOAT8OID, CurrentMemoryContext, &elems);
		if (isnull || n < m->ncoef || n % m->ncoef != 0 ||
			(n != m->ncoef && m->family->row_multi == NULL) || n / m->ncoef > m->nlp)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("a group of model \"%s\" has %d coefficients for %d terms",
							m->name, isnull ? 0 : n, m->ncoef)));
		m->groups[g].coef = MemoryContextAlloc(cxt, sizeof(double) * n);
		for (int i = 0; i < n; i++)
			m->groups[g].coef[i] = DatumGetFloat8(elems[i]);
		m->groups[g].nlp = n / m->ncoef;

		/* a multinomial model's group: its labels among the model's */
		if (m->family->row_multi != NULL)
		{
			OomlGroup  *gr = &m->groups[g];
			Datum		d = SPI_getbinval(tup, desc, 3, &isnull);

			n = isnull ? 0 : model_array(d, TEXTOID, cxt, &elems);
			if (n != gr->nlp + 1)
				ereport(ERROR,
						(errcode(ERRCODE_DATA_CORRUPTED),
						 errmsg("a group of model \"%s\" has %d classes for %d blocks of coefficients",
								m->name, n, gr->nlp)));
			gr->classes = MemoryContextAlloc(cxt, sizeof(char *) * n);
			gr->cls_index = MemoryContextAlloc(cxt, sizeof(int) * n);
			for (int k = 0; k < n; k++)
			{
				gr->classes[k] = DatumGetPointer(elems[k]);
				gr->cls_index[k] = -1;
				for (int c = 0; c < m->nclass; c++)
					if (strcmp(m->classes[c], gr->classes[k]) == 0)
						gr->cls_index[k] = c;
				if (gr->cls_index[k] < 0)
					ereport(ERROR,
							(errcode(ERRCODE_DATA_CORRUPTED),
							 errmsg("a group of model \"%s\" has the class \"%s\", which the model does not list",
									m->name, gr->classes[k])));
			}
		}
	}
	qsort(m->groups, m->ngroups, sizeof(OomlGroup), group_cmp);
}

/* Read a model from ooml.models into the function's memory. */
static OomlModel *
load_model(FunctionCallInfo fcinfo, text *name_t)
{
	OomlModel  *m = (OomlModel *) fcinfo->flinfo->fn_extra;
	MemoryContext cxt = fcinfo->flinfo->fn_mcxt;
	char	   *name;
	Oid			argtypes[1] = {TEXTOID};
	Datum		args[1];
	Datum		d;
	bool		isnull = false;
	Datum	   *elems;
	int			n;
	char	   *family;
	TupleDesc	desc;
	HeapTuple	tup;

	/* the same model as the last row's: compared in place, no copy per row */
	if (m != NULL && VARSIZE_ANY_EXHDR(name_t) == m->namelen &&
		memcmp(VARDATA_ANY(name_t), m->name, VARSIZE_ANY_EXHDR(name_t)) == 0)
		return m;

	name = text_to_cstring(name_t);
	m = MemoryContextAllocZero(cxt, sizeof(OomlModel));
	m->name = MemoryContextStrdup(cxt, name);
	m->namelen = strlen(name);

	SPI_connect();
	args[0] = PointerGetDatum(name_t);
	if (SPI_execute_with_args("SELECT family OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) link, "
							  "intercept, coef, features, feature_dims, options OPERATOR(pg_catalog.->>) 'offset', "
							  "classes, family, group_by "
							  "FROM ooml.models WHERE name OPERATOR(pg_catalog.=) $1",
							  1, argtypes, args, NULL, true, 1) != SPI_OK_SELECT)
		elog(ERROR, "ooml: could not read ooml.models");
	if (SPI_processed == 0)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("model \"%s\" does not exist", name),
				 errhint("The models are listed in ooml.models.")));
	desc = SPI_tuptable->tupdesc;
	tup = SPI_tuptable->vals[0];

	family = SPI_getvalue(tup, desc, 1);
	m->family = ooml_family(ooml_family_id(family));
	m->intercept = DatumGetBool(SPI_getbinval(tup, desc, 2, &isnull));

	d = SPI_getbinval(tup, desc, 9, &isnull);
	if (!isnull)
	{
		m->ngroupcols = model_array(d, TEXTOID, cxt, &elems);
		m->groupcols = MemoryContextAlloc(cxt, sizeof(char *) * Max(m->ngroupcols, 1));
		for (int i = 0; i < m->ngroupcols; i++)
			m->groupcols[i] = DatumGetPointer(elems[i]);
	}

	d = SPI_getbinval(tup, desc, 3, &isnull);
	n = model_array(d, FLOAT8OID, cxt, &elems);
	m->ncoef = n;
	m->nlp = 1;
	m->coef = MemoryContextAlloc(cxt, sizeof(double) * Max(n, 1));
	for (int i = 0; i < n; i++)
		m->coef[i] = DatumGetFloat8(elems[i]);

	d = SPI_getbinval(tup, desc, 4, &isnull);
	m->nfeatures = model_array(d, TEXTOID, cxt, &elems);
	m->features = MemoryContextAlloc(cxt, sizeof(char *) * Max(m->nfeatures, 1));
	for (int i = 0; i < m->nfeatures; i++)
		m->features[i] = DatumGetPointer(elems[i]);

	d = SPI_getbinval(tup, desc, 5, &isnull);
	n = model_array(d, INT4OID, cxt, &elems);
	if (n != m->nfeatures)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_CORRUPTED),
				 errmsg("model \"%s\" has %d feature dimensions for %d features",
						name, n, m->nfeatures)));
	m->widths = MemoryContextAlloc(cxt, sizeof(int) * Max(n, 1));
	m->is_array = MemoryContextAlloc(cxt, sizeof(bool) * Max(n, 1));
	{
		int			total = m->intercept ? 1 : 0;

		for (int i = 0; i < n; i++)
		{
			int			dim = DatumGetInt32(elems[i]);

			m->is_array[i] = dim > 0;
			m->widths[i] = dim > 0 ? dim : 1;
			total += m->widths[i];
		}
		/* a multinomial model: one block of coefficients per class after the first */
		if (m->family->row_multi != NULL && total > 0 && m->ncoef % total == 0 &&
			m->ngroupcols == 0)
		{
			m->nlp = m->ncoef / total;
			m->ncoef = total;
		}
		if (m->ngroupcols > 0)
			m->ncoef = total;	/* the coefficients are the groups' */
		if (total != m->ncoef)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("model \"%s\" has %d coefficients for %d terms",
							name, m->ncoef, total)));
	}
	{
		char	   *off = SPI_getvalue(tup, desc, 6);
		char	   *fam = SPI_getvalue(tup, desc, 8);

		m->offset = off ? MemoryContextStrdup(cxt, off) : NULL;
		m->is_svm = fam && (strcmp(fam, "hinge") == 0 || strcmp(fam, "squared_hinge") == 0);
		d = SPI_getbinval(tup, desc, 7, &isnull);
		if (!isnull)
		{
			n = model_array(d, TEXTOID, cxt, &elems);
			/* a grouped multinomial model: its groups have at most these classes */
			if (m->ngroupcols > 0 && m->family->row_multi != NULL && n >= 2)
				m->nlp = n - 1;
			if (n == m->nlp + 1 && (n == 2 || m->family->row_multi != NULL))
			{
				m->nclass = n;
				m->classes = MemoryContextAlloc(cxt, sizeof(char *) * n);
				for (int i = 0; i < n; i++)
					m->classes[i] = DatumGetPointer(elems[i]);
			}
		}
		if (m->nlp > 1 && m->nclass != m->nlp + 1)
			ereport(ERROR,
					(errcode(ERRCODE_DATA_CORRUPTED),
					 errmsg("model \"%s\" has %d blocks of coefficients but no %d classes",
							name, m->nlp, m->nlp + 1)));
	}
	if (m->ngroupcols > 0)
		load_groups(m, cxt, name_t);
	SPI_finish();
	m->eta = MemoryContextAlloc(cxt, sizeof(double) * m->nlp);

	m->x = MemoryContextAlloc(cxt, sizeof(double) * m->ncoef);
	if (m->intercept)
		m->x[0] = 1.0;
	fcinfo->flinfo->fn_extra = m;
	return m;
}

/* The 0-based index of a row type's column, or -1. */
static int
find_column(TupleDesc desc, const char *name)
{
	for (int a = 0; a < desc->natts; a++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, a);

		if (!att->attisdropped && strcmp(NameStr(att->attname), name) == 0)
			return a;
	}
	return -1;
}

/* Find the model's features in a row type. */
static void
map_record(OomlModel *m, MemoryContext cxt, Oid tuptype, int32 tuptypmod)
{
	TupleDesc	desc = lookup_rowtype_tupdesc(tuptype, tuptypmod);

	m->attidx = MemoryContextAlloc(cxt, sizeof(int) * Max(m->nfeatures, 1));
	m->types = MemoryContextAlloc(cxt, sizeof(OomlArgType) * Max(m->nfeatures, 1));
	m->values = MemoryContextAlloc(cxt, sizeof(Datum) * Max(desc->natts, 1));
	m->isnull = MemoryContextAlloc(cxt, sizeof(bool) * Max(desc->natts, 1));

	for (int i = 0; i < m->nfeatures; i++)
	{
		int			found = find_column(desc, m->features[i]);
		Form_pg_attribute att;

		if (found < 0)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("the row has no column \"%s\", which model \"%s\" needs",
							m->features[i], m->name)));
		att = TupleDescAttr(desc, found);
		m->attidx[i] = found;
		m->types[i] = ooml_arg_type(att->atttypid);
		if (m->types[i] == OOML_ARG_UNSET ||
			ooml_arg_is_array(m->types[i]) != m->is_array[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" has type %s, but model \"%s\" was trained on %s",
							m->features[i], format_type_be(att->atttypid), m->name,
							m->is_array[i] ? "a float4[] or float8[] array" : "a number or boolean")));
	}
	if (m->offset)
	{
		m->offset_idx = find_column(desc, m->offset);
		if (m->offset_idx >= 0)
			m->offset_type = ooml_arg_type(TupleDescAttr(desc, m->offset_idx)->atttypid);
		if (m->offset_idx < 0 || m->offset_type == OOML_ARG_UNSET ||
			ooml_arg_is_array(m->offset_type))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("the row has no numeric column \"%s\", the offset model \"%s\" needs",
							m->offset, m->name)));
	}
	if (m->ngroupcols > 0)
	{
		m->group_attidx = MemoryContextAlloc(cxt, sizeof(int) * m->ngroupcols);
		m->group_out = MemoryContextAlloc(cxt, sizeof(FmgrInfo) * m->ngroupcols);
		for (int i = 0; i < m->ngroupcols; i++)
		{
			int			found = find_column(desc, m->groupcols[i]);
			Oid			outfn;
			bool		varlena;

			if (found < 0)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("the row has no column \"%s\", the group column of model \"%s\"",
								m->groupcols[i], m->name)));
			m->group_attidx[i] = found;
			getTypeOutputInfo(TupleDescAttr(desc, found)->atttypid, &outfn, &varlena);
			fmgr_info_cxt(outfn, &m->group_out[i], cxt);
		}
	}
	m->natts = desc->natts;
	m->tuptype = tuptype;
	m->tuptypmod = tuptypmod;
	ReleaseTupleDesc(desc);
}

/*
 * The prediction for the row in m->x: the mean; for a multinomial model
 * the predictors go to m->eta and the result is NaN (no single mean).
 */
static double
score(const OomlModel *m, double offset)
{
	if (m->nlp > 1)
	{
		for (int k = 0; k < m->nlp; k++)
			m->eta[k] = ooml_dot(m->coef + (Size) k * m->ncoef, m->x, m->ncoef) + offset;
		return NAN;
	}
	/* a group of two labels in a grouped multinomial model is binomial */
	if (m->family->row_multi != NULL)
		return ooml_family_binomial.mean(ooml_dot(m->coef, m->x, m->ncoef) + offset);
	return m->family->mean(ooml_dot(m->coef, m->x, m->ncoef) + offset);
}

/* A multinomial model's class probabilities, from m->eta, into pr[nlp + 1]. */
static void
class_probabilities(const OomlModel *m, double *pr)
{
	double		mx = 0.0;
	double		den = 0.0;

	for (int k = 0; k < m->nlp; k++)
		mx = Max(mx, m->eta[k]);
	pr[0] = exp(-mx);
	for (int k = 0; k < m->nlp; k++)
		pr[k + 1] = exp(m->eta[k] - mx);
	for (int k = 0; k <= m->nlp; k++)
		den += pr[k];
	for (int k = 0; k <= m->nlp; k++)
		pr[k] /= den;
}

/*
 * Read the value d (of type t) of feature i into dst.  Returns false when it
 * holds a NULL; a value that is not finite, or an array of the wrong shape,
 * is an error naming the feature.
 */
static inline bool
read_feature(const OomlModel *m, int i, Datum d, OomlArgType t, double *dst)
{
	int			got = 1;
	OomlReadStatus status;

	if (ooml_read_common(d, t, dst))
		status = isfinite(*dst) ? OOML_READ_OK : isnan(*dst) ? OOML_READ_NAN : OOML_READ_INF;
	else
		status = ooml_read_values(d, t, m->widths[i], dst, &got, true);
	if (status == OOML_READ_NULL)
		return false;
	if (status != OOML_READ_OK)
		ooml_read_error(status, m->features[i], m->widths[i], got);
	return true;
}

/*
 * Refuse a model that features given by position (an array, or a value
 * per argument: form) cannot score: one with groups or an offset.
 */
static void
check_positional(const OomlModel *m, const char *form)
{
	if (m->ngroupcols > 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("model \"%s\" has one model per group, which %s cannot name", m->name, form),
				 errhint("Score rows with ooml.predict(model, row); the row must have the group columns.")));
	if (m->offset)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("model \"%s\" has an offset, which %s cannot carry", m->name, form),
				 errhint("Score rows with ooml.predict(model, row); the row must have the column \"%s\".", m->offset)));
}

/*
 * The model's score for a row given as a record: features found by name.
 * Returns false when a feature (or the offset) is NULL.
 */
static bool
score_record(FunctionCallInfo fcinfo, OomlModel *m, HeapTupleHeader rec, double *result)
{
	Oid			tuptype = HeapTupleHeaderGetTypeId(rec);
	int32		tuptypmod = HeapTupleHeaderGetTypMod(rec);
	HeapTupleData tuple;
	TupleDesc	desc;
	int			k;
	double		off = 0.0;

	if (m->tuptype == InvalidOid || m->tuptype != tuptype || m->tuptypmod != tuptypmod)
		map_record(m, fcinfo->flinfo->fn_mcxt, tuptype, tuptypmod);

	/* the type cache's descriptor, as record_out and friends use it */
	desc = lookup_rowtype_tupdesc(tuptype, tuptypmod);
	if (desc->natts != m->natts)
		elog(ERROR, "ooml: row type %u changed during the query", tuptype);
	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	heap_deform_tuple(&tuple, desc, m->values, m->isnull);
	ReleaseTupleDesc(desc);

	/* a grouped model: the coefficients of the row's group (none: NULL) */
	if (m->ngroupcols > 0)
	{
		char	  **values = m->group_vals;
		OomlGroup	probe;
		OomlGroup  *found;

		for (int i = 0; i < m->ngroupcols; i++)
		{
			int			a = m->group_attidx[i];

			if (m->isnull[a])
				return false;
			values[i] = OutputFunctionCall(&m->group_out[i], m->values[a]);
		}
		group_key(&m->key, m->ngroupcols, values);
		probe.key = m->key.data;
		found = bsearch(&probe, m->groups, m->ngroups, sizeof(OomlGroup), group_cmp);
		if (found == NULL)
			return false;
		m->coef = found->coef;
		m->group = found;
		if (m->family->row_multi != NULL)
			m->nlp = found->nlp;
	}

	k = m->intercept ? 1 : 0;
	for (int i = 0; i < m->nfeatures; i++)
	{
		int			a = m->attidx[i];

		if (m->isnull[a] || !read_feature(m, i, m->values[a], m->types[i], m->x + k))
			return false;
		k += m->widths[i];
	}
	if (m->offset)
	{
		if (m->isnull[m->offset_idx])
			return false;
		off = ooml_read_scalar(m->values[m->offset_idx], m->offset_type);
	}
	*result = score(m, off);
	return true;
}

/* The model's score for feature values in its order; false for a NULL value. */
static bool
score_array(OomlModel *m, Datum a, double *result)
{
	int			k = m->intercept ? 1 : 0;
	int			got;
	OomlReadStatus status;

	check_positional(m, "a feature array");
	status = ooml_read_values(a, OOML_ARG_FLOAT8_ARRAY,
							  m->ncoef - k, m->x + k, &got, true);
	if (status == OOML_READ_NULL)
		return false;
	if (status == OOML_READ_NOT_1D)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature values must be a one-dimensional array")));
	if (status == OOML_READ_LENGTH)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("model \"%s\" takes %d feature values, not %d",
						m->name, m->ncoef - k, got),
				 errhint("Give the values in the order of the model's terms, without the intercept.")));
	if (status != OOML_READ_OK)
		ereport(ERROR,
				(errcode(ERRCODE_DATA_EXCEPTION),
				 errmsg("feature values contain %s",
						status == OOML_READ_NAN ? "NaN" : "infinity"),
				 errdetail("ooml trains and scores on finite numbers only.")));
	*result = score(m, 0.0);
	return true;
}

/*
 * Check the argument types of predict(model, value1, value2, ...) against
 * the model's features: one argument per feature, in its order, a number
 * (or boolean) for a scalar feature and a float4[] or float8[] array for an
 * array feature.  Done once per call site.
 */
static void
map_values(FunctionCallInfo fcinfo, OomlModel *m)
{
	int			nvalues = PG_NARGS() - 1;
	OomlArgType *types;

	check_positional(m, "feature values");
	if (get_fn_expr_variadic(fcinfo->flinfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("feature values cannot be passed as a VARIADIC array"),
				 errhint("Pass a float8[] array of the values as ooml.predict(model, features).")));
	if (nvalues != m->nfeatures)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("model \"%s\" takes %d feature values, not %d",
						m->name, m->nfeatures, nvalues),
				 errhint("Give one value per feature, in the order of ooml.models.features; a threshold needs the row or array form.")));

	types = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(OomlArgType) * nvalues);
	for (int i = 0; i < nvalues; i++)
	{
		Oid			typid = get_fn_expr_argtype(fcinfo->flinfo, i + 1);

		if (!OidIsValid(typid))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("could not determine the type of feature value %d", i + 1)));
		types[i] = ooml_arg_type(typid);
		if (types[i] == OOML_ARG_UNSET || ooml_arg_is_array(types[i]) != m->is_array[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("feature value %d has type %s, but model \"%s\" was trained on %s for \"%s\"",
							i + 1, format_type_be(typid), m->name,
							m->is_array[i] ? "a float4[] or float8[] array" : "a number or boolean",
							m->features[i]),
					 errhint("Give one value per feature, in the order of ooml.models.features.")));
	}
	m->arg_types = types;
}

/*
 * The model's score for feature values passed one argument each, after the
 * model's name; false when a value is NULL.
 */
static bool
score_values(FunctionCallInfo fcinfo, OomlModel *m, double *result)
{
	int			k = m->intercept ? 1 : 0;

	if (m->arg_types == NULL)
		map_values(fcinfo, m);
	for (int i = 0; i < m->nfeatures; i++)
	{
		if (PG_ARGISNULL(i + 1) ||
			!read_feature(m, i, PG_GETARG_DATUM(i + 1), m->arg_types[i], m->x + k))
			return false;
		k += m->widths[i];
	}
	*result = score(m, 0.0);
	return true;
}

/*
 * Score the features passed after the model's name (argument 0): a row, an
 * array, or one argument per feature.  Returns false when the result is
 * NULL: a NULL argument (predict_class is not strict) or a NULL feature.
 */
static bool
score_args(FunctionCallInfo fcinfo, ScoreForm form, OomlModel **m, double *result)
{
	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		return false;
	*m = load_model(fcinfo, PG_GETARG_TEXT_PP(0));
	switch (form)
	{
		case SCORE_ROW:
			return score_record(fcinfo, *m, PG_GETARG_HEAPTUPLEHEADER(1), result);
		case SCORE_ARRAY:
			return score_array(*m, PG_GETARG_DATUM(1), result);
		case SCORE_VALUES:
			return score_values(fcinfo, *m, result);
	}
	return false;				/* keep the compiler quiet */
}

/* predict's result; a multinomial model has none (its classes have one each) */
static double
single_score(const OomlModel *m, double r)
{
	if (m->family->row_multi != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is a multinomial classifier, which has no single prediction", m->name),
				 errhint("Use ooml.predict_class for the label, or ooml.predict_proba for the probability of each class.")));
	return r;
}

/*
 * predict(model, row)
 *		The model's prediction for a row; features are found by name.  NULL
 *		when a feature is NULL.
 */
Datum
ooml_predict_record(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_ROW, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(single_score(m, r));
}

/*
 * predict(model, features)
 *		The model's prediction for feature values given in the model's order
 *		(its terms without the intercept).  NULL when a value is NULL.
 */
Datum
ooml_predict_array(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_ARRAY, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(single_score(m, r));
}

/*
 * The label of a score: the positive class above the threshold; for a
 * multinomial model, the most probable class (the first of a tie).
 */
static Datum
label(FunctionCallInfo fcinfo, OomlModel *m, double score_value, bool has_threshold)
{
	bool		no_threshold = !has_threshold || PG_ARGISNULL(2);
	double		thr;

	if (m->nclass == 0)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" is not a classifier", m->name),
				 errhint("predict_class applies to logistic regressions and SVMs; use ooml.predict.")));
	if (m->family->row_multi != NULL)
	{
		char	  **classes = m->group ? m->group->classes : m->classes;
		int			best = 0;
		double		top = 0.0;

		if (!no_threshold)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a threshold applies to binary classifiers only"),
					 errdetail("Model \"%s\" has %d classes; it predicts the most probable.",
							   m->name, m->nclass)));
		/* a group of two labels: the second when more probable */
		if (m->nlp == 1)
			return PointerGetDatum(cstring_to_text(classes[score_value > 0.5 ? 1 : 0]));
		/* the reference class has predictor 0 */
		for (int k = 0; k < m->nlp; k++)
			if (m->eta[k] > top)
			{
				top = m->eta[k];
				best = k + 1;
			}
		return PointerGetDatum(cstring_to_text(classes[best]));
	}
	thr = no_threshold ? (m->is_svm ? 0.0 : 0.5) : PG_GETARG_FLOAT8(2);
	if (isnan(thr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("threshold must not be NaN")));
	return PointerGetDatum(cstring_to_text(m->classes[score_value > thr ? 1 : 0]));
}

/*
 * predict_class(model, row, threshold)
 *		The predicted label of a classifier, as text.
 */
Datum
ooml_predict_class_record(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_ROW, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(label(fcinfo, m, r, true));
}

/* predict_class(model, features, threshold) */
Datum
ooml_predict_class_array(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_ARRAY, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(label(fcinfo, m, r, true));
}

/* The class probabilities of a score, in the order of the model's classes. */
static Datum
probabilities(OomlModel *m, double p)
{
	double	   *pr;

	if (m->nclass == 0 || m->is_svm)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("model \"%s\" does not give class probabilities", m->name),
				 m->is_svm ?
				 errhint("An SVM's score is a margin; use ooml.predict for it and ooml.predict_class for the label.") :
				 errhint("predict_proba applies to logistic regressions and binomial GLMs; use ooml.predict.")));
	pr = palloc0(sizeof(double) * m->nclass);
	if (m->family->row_multi != NULL && m->group != NULL)
	{
		/*
		 * a grouped multinomial model's group knows its own labels only: the
		 * others get probability 0, in the order of the model's classes
		 */
		double	   *gp = palloc(sizeof(double) * (m->nlp + 1));

		if (m->nlp > 1)
			class_probabilities(m, gp);
		else
		{
			gp[0] = 1.0 - p;
			gp[1] = p;
		}
		for (int k = 0; k <= m->nlp; k++)
			pr[m->group->cls_index[k]] = gp[k];
	}
	else if (m->nlp > 1)
		class_probabilities(m, pr);
	else
	{
		pr[0] = 1.0 - p;
		pr[1] = p;
	}
	return ooml_float8_array(pr, m->nclass);
}

/*
 * predict_proba(model, row)
 *		A classifier's class probabilities, in the order of ooml.models.classes
 *		(binary: {P(negative), P(positive)}).
 */
Datum
ooml_predict_proba_record(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_ROW, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(probabilities(m, r));
}

/* predict_proba(model, features) */
Datum
ooml_predict_proba_array(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_ARRAY, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(probabilities(m, r));
}

/*
 * predict(model, value1, value2, ...)
 *		The model's prediction for feature values passed one argument each, in
 *		the order of the model's features.  NULL when a value is NULL.
 */
Datum
ooml_predict_values(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_VALUES, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(single_score(m, r));
}

/* predict_class(model, value1, value2, ...), with the default threshold */
Datum
ooml_predict_class_values(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_VALUES, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(label(fcinfo, m, r, false));
}

/* predict_proba(model, value1, value2, ...) */
Datum
ooml_predict_proba_values(PG_FUNCTION_ARGS)
{
	OomlModel  *m;
	double		r;

	if (!score_args(fcinfo, SCORE_VALUES, &m, &r))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(probabilities(m, r));
}
