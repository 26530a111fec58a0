/*-------------------------------------------------------------------------
 *
 * ooml.c
 *	  Module entry point and configuration parameters.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "utils/guc.h"

#include "ooml.h"

PG_MODULE_MAGIC;

/* Largest aggregate state a pass may allocate, in kB. */
int			ooml_max_state_memory = 256 * 1024;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("ooml.max_state_memory",
							"Largest aggregate state one training pass may use.",
							"A Newton pass over p coefficients needs about 8 p^2 bytes; "
							"a training whose state would be larger fails before it allocates.",
							&ooml_max_state_memory,
							256 * 1024,
							64,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);
	MarkGUCPrefixReserved("ooml");
}
