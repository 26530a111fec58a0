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

#include "ooml.h"

static const OomlFamily *const families[] = {
	NULL,
	&ooml_family_binomial,		/* OOML_FAMILY_BINOMIAL */
	&ooml_family_gaussian		/* OOML_FAMILY_GAUSSIAN */
};

StaticAssertDecl(lengthof(families) == OOML_FAMILY_MAX + 1,
				 "every family id needs an entry");

const OomlFamily *
ooml_family(int id)
{
	if (id < 1 || id > OOML_FAMILY_MAX)
		elog(ERROR, "ooml: unknown family id %d", id);
	return families[id];
}

int
ooml_family_id(const char *name)
{
	for (int i = 1; i <= OOML_FAMILY_MAX; i++)
		if (strcmp(families[i]->name, name) == 0)
			return i;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown model family \"%s\"", name),
			 errhint("The families are \"binomial\" and \"gaussian\".")));
	return 0;					/* keep compiler quiet */
}
