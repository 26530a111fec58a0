/*-------------------------------------------------------------------------
 *
 * fuzz_state.c
 *	  libFuzzer target: the bytes of an ooml.state as the binary receive
 *	  function and (base64) the text input function would get them.  Every
 *	  input must either be refused by an ERROR or parse into a state that
 *	  passes validation and serializes back to the same bytes; a crash, a
 *	  sanitizer report or an allocation of a bogus size (the stub aborts on
 *	  sizes the server would refuse) is a finding.
 *
 *	  test/fuzz/run.sh builds and runs it.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"

#include "../../src/ooml.h"
#include "stubs.h"

extern Datum ooml_state_recv(PG_FUNCTION_ARGS);
extern Datum ooml_state_send(PG_FUNCTION_ARGS);
extern Datum ooml_state_in(PG_FUNCTION_ARGS);
extern Datum ooml_state_out(PG_FUNCTION_ARGS);

int			ooml_max_state_memory = 256 * 1024;
int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static Datum
call1(PGFunction fn, Datum arg)
{
	LOCAL_FCINFO(fcinfo, 1);

	InitFunctionCallInfoData(*fcinfo, NULL, 1, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg;
	fcinfo->args[0].isnull = false;
	return fn(fcinfo);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	StringInfoData buf;
	OomlState  *volatile st = NULL;

	if (size > 64 * 1024 * 1024)
		return 0;
	fuzz_errored = false;
	if (sigsetjmp(fuzz_jump, 0) == 0)
	{
		/* the binary receive function */
		buf.data = palloc(size + 1);
		memcpy(buf.data, data, size);
		buf.data[size] = '\0';
		buf.len = (int) size;
		buf.maxlen = (int) size + 1;
		buf.cursor = 0;
		st = (OomlState *) DatumGetPointer(call1(ooml_state_recv, PointerGetDatum(&buf)));
	}
	if (!fuzz_errored && st != NULL)
	{
		/* accepted: it must be valid and survive a round trip unchanged */
		bytea	   *out;

		if (sigsetjmp(fuzz_jump, 0) != 0)
			abort();			/* a state recv accepted must check and send */
		ooml_state_check(st, VARSIZE(st));
		out = DatumGetByteaPP(call1(ooml_state_send, PointerGetDatum(st)));
		if (VARSIZE_ANY_EXHDR(out) != size || memcmp(VARDATA_ANY(out), data, size) != 0)
			abort();
		/* and its text form must parse back */
		{
			char	   *text = DatumGetCString(call1(ooml_state_out, PointerGetDatum(st)));

			(void) call1(ooml_state_in, CStringGetDatum(text));
		}
	}

	/* the text input function on the raw bytes, as a C string */
	fuzz_errored = false;
	if (sigsetjmp(fuzz_jump, 0) == 0)
	{
		char	   *s = palloc(size + 1);

		memcpy(s, data, size);
		s[size] = '\0';
		(void) call1(ooml_state_in, CStringGetDatum(s));
	}
	fuzz_free_all();
	return 0;
}
