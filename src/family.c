/*-------------------------------------------------------------------------
 *
 * family.c
 *	  The registry of model families.
 *
 * A new family is one file defining an OomlFamily, one entry here and one
 * value in OomlFamilyId.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "utils/builtins.h"

#include "ooml.h"

PG_FUNCTION_INFO_V1(ooml_family_link);

static const OomlFamily *const families[] = {
	NULL,
	&ooml_family_binomial,		/* OOML_FAMILY_BINOMIAL */
	&ooml_family_gaussian,		/* OOML_FAMILY_GAUSSIAN */
	&ooml_family_hinge,			/* linear SVM (family_svm.c) */
	&ooml_family_squared_hinge,
	&ooml_family_multinomial	/* multinomial logit (family_multinomial.c) */
};



/* the number of family ids: the fast ones, then the GLM families */
int
ooml_family_count(void)
{
	return (int) lengthof(families) - 1 + ooml_glm_family_count();
}

const OomlFamily *
ooml_family(int id)
{
	int			fast = (int) lengthof(families) - 1;

	if (id >= 1 && id <= fast)
		return families[id];
	if (id > fast && id <= ooml_family_count())
		return ooml_glm_family(id - fast - 1);
	elog(ERROR, "ooml: unknown family id %d", id);
	return NULL;				/* keep compiler quiet */
}

/*
 * The id of "family" (its canonical link) or "family:link".  binomial with
 * the logit link and gaussian with the identity link are the fast families
 * of ids 1 and 2; other pairs come from family_glm.c.
 */
int
ooml_family_id(const char *name)
{
	const char *colon = strchr(name, ':');
	int			flen = colon ? (int) (colon - name) : (int) strlen(name);

	for (int id = 1; id <= ooml_family_count(); id++)
	{
		const OomlFamily *f = ooml_family(id);

		if (strlen(f->name) == (size_t) flen && strncmp(f->name, name, flen) == 0 &&
			(colon == NULL || strcmp(f->link, colon + 1) == 0))
			return id;			/* the first of a family is its canonical link */
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown model family or link \"%s\"", name),
			 errhint("The families are binomial (links logit, probit, cloglog, log), gaussian (identity, log, inverse), poisson (log, identity, sqrt), gamma (inverse, log, identity), inverse_gaussian (1/mu^2, inverse, log, identity), the SVM losses hinge and squared_hinge, and multinomial (logit).")));
	return 0;					/* keep compiler quiet */
}

/*
 * _family_link(family) returns the link of "family" or "family:link", or
 * raises the error of an unknown pair: the driver checks a request with it
 * before any pass.
 */
Datum
ooml_family_link(PG_FUNCTION_ARGS)
{
	int			id = ooml_family_id(text_to_cstring(PG_GETARG_TEXT_PP(0)));

	PG_RETURN_TEXT_P(cstring_to_text(ooml_family(id)->link));
}
