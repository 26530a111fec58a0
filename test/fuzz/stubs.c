/*-------------------------------------------------------------------------
 *
 * stubs.c
 *	  Just enough of the PostgreSQL server for ooml's state parser to run
 *	  outside it, under libFuzzer: memory from malloc (all freed after each
 *	  input), ereport(ERROR) as a longjmp back to the harness, the binary
 *	  message readers and writers, base64.  Anything else the linked files
 *	  reference aborts, so an unexpected call is a finding too.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <setjmp.h>
#include <stdlib.h>

#include "common/base64.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "utils/memutils.h"

#include "stubs.h"

sigjmp_buf	fuzz_jump;
bool		fuzz_errored;

/* every allocation of one input, freed together */
static void **allocs;
static int	nallocs,
			maxallocs;

static void *
track(void *p)
{
	if (p == NULL)
		abort();
	if (nallocs == maxallocs)
	{
		maxallocs = maxallocs ? 2 * maxallocs : 64;
		allocs = realloc(allocs, sizeof(void *) * maxallocs);
	}
	allocs[nallocs++] = p;
	return p;
}

void
fuzz_free_all(void)
{
	for (int i = 0; i < nallocs; i++)
		free(allocs[i]);
	nallocs = 0;
}

static void
check_size(Size size)
{
	/* the server refuses these: so does the stub, loudly */
	if (!AllocSizeIsValid(size))
		abort();
}

void *
palloc(Size size)
{
	check_size(size);
	return track(malloc(size ? size : 1));
}

void *
palloc0(Size size)
{
	check_size(size);
	return track(calloc(1, size ? size : 1));
}

void
pfree(void *p)
{
	(void) p;				/* freed with the rest of the input */
}

void *
repalloc(void *p, Size size)
{
	check_size(size);
	for (int i = nallocs - 1; i >= 0; i--)
		if (allocs[i] == p)
		{
			allocs[i] = realloc(p, size);
			if (allocs[i] == NULL)
				abort();
			return allocs[i];
		}
	abort();					/* not ours */
}

void *
MemoryContextAlloc(MemoryContext context, Size size)
{
	return palloc(size);
}

void *
MemoryContextAllocZero(MemoryContext context, Size size)
{
	return palloc0(size);
}

/* ereport(ERROR, ...) jumps back to the harness */
bool
errstart(int elevel, const char *domain)
{
	return elevel >= ERROR;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	fuzz_errored = true;
	siglongjmp(fuzz_jump, 1);
}

int			errcode(int sqlerrcode) { return 0; }
int			errmsg(const char *fmt,...) { return 0; }
int			errmsg_internal(const char *fmt,...) { return 0; }
int			errdetail(const char *fmt,...) { return 0; }
int			errhint(const char *fmt,...) { return 0; }

/* StringInfo */
void
initStringInfo(StringInfo str)
{
	str->maxlen = 1024;
	str->data = palloc(str->maxlen);
	resetStringInfo(str);
}

void
resetStringInfo(StringInfo str)
{
	str->data[0] = '\0';
	str->len = 0;
	str->cursor = 0;
}

void
enlargeStringInfo(StringInfo str, int needed)
{
	int			newlen;

	if (needed < 0 || ((Size) needed) >= (MaxAllocSize - (Size) str->len))
		abort();
	needed += str->len + 1;
	if (needed <= str->maxlen)
		return;
	newlen = 2 * str->maxlen;
	while (needed > newlen)
		newlen = 2 * newlen;
	str->data = repalloc(str->data, newlen);
	str->maxlen = newlen;
}

void
appendBinaryStringInfo(StringInfo str, const char *data, int datalen)
{
	enlargeStringInfo(str, datalen);
	memcpy(str->data + str->len, data, datalen);
	str->len += datalen;
	str->data[str->len] = '\0';
}

void
appendBinaryStringInfoNT(StringInfo str, const char *data, int datalen)
{
	appendBinaryStringInfo(str, data, datalen);
}

/* pqformat: readers check what is left, as the server's do */
unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	unsigned char bytes[4];
	unsigned int v = 0;

	pq_copymsgbytes(msg, (char *) bytes, b);
	for (int i = 0; i < b; i++)
		v = (v << 8) | bytes[i];
	return v;
}

int64
pq_getmsgint64(StringInfo msg)
{
	uint64		hi = pq_getmsgint(msg, 4);
	uint64		lo = pq_getmsgint(msg, 4);

	return (int64) ((hi << 32) | lo);
}

float8
pq_getmsgfloat8(StringInfo msg)
{
	union
	{
		int64		i;
		float8		f;
	}			swap;

	swap.i = pq_getmsgint64(msg);
	return swap.f;
}

void
pq_copymsgbytes(StringInfo msg, char *buf, int datalen)
{
	if (datalen < 0 || datalen > (msg->len - msg->cursor))
	{
		fuzz_errored = true;
		siglongjmp(fuzz_jump, 1);
	}
	memcpy(buf, &msg->data[msg->cursor], datalen);
	msg->cursor += datalen;
}

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	appendStringInfoSpaces(buf, VARHDRSZ);
}

void
appendStringInfoSpaces(StringInfo str, int count)
{
	enlargeStringInfo(str, count);
	memset(str->data + str->len, ' ', count);
	str->len += count;
	str->data[str->len] = '\0';
}

bytea *
pq_endtypsend(StringInfo buf)
{
	bytea	   *result = (bytea *) buf->data;

	SET_VARSIZE(result, buf->len);
	return result;
}

void
pq_sendbytes(StringInfo buf, const char *data, int datalen)
{
	appendBinaryStringInfo(buf, data, datalen);
}

void
pq_sendfloat8(StringInfo buf, float8 f)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.f = f;
	pq_sendint64(buf, swap.i);
}

/* base64, as src/common/base64.c: decoding fails on anything else */
static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int
pg_b64_enc_len(int srclen)
{
	return (srclen + 2) / 3 * 4;
}

int
pg_b64_dec_len(int srclen)
{
	return (srclen * 3) >> 2;
}

int
pg_b64_encode(const char *src, int len, char *dst, int dstlen)
{
	int			o = 0;

	for (int i = 0; i < len; i += 3)
	{
		uint32		v = (uint8) src[i] << 16;

		if (i + 1 < len)
			v |= (uint8) src[i + 1] << 8;
		if (i + 2 < len)
			v |= (uint8) src[i + 2];
		if (o + 4 > dstlen)
			return -1;
		dst[o++] = b64[(v >> 18) & 63];
		dst[o++] = b64[(v >> 12) & 63];
		dst[o++] = i + 1 < len ? b64[(v >> 6) & 63] : '=';
		dst[o++] = i + 2 < len ? b64[v & 63] : '=';
	}
	return o;
}

int
pg_b64_decode(const char *src, int len, char *dst, int dstlen)
{
	uint32		buf = 0;
	int			bits = 0,
				o = 0,
				pad = 0;

	for (int i = 0; i < len; i++)
	{
		const char *p;

		if (src[i] == '=')
		{
			pad++;
			continue;
		}
		if (pad > 0 || (p = strchr(b64, src[i])) == NULL || src[i] == '\0')
			return -1;
		buf = (buf << 6) | (uint32) (p - b64);
		bits += 6;
		if (bits >= 8)
		{
			bits -= 8;
			if (o >= dstlen)
				return -1;
			dst[o++] = (char) ((buf >> bits) & 0xFF);
		}
	}
	return o;
}

/* values here are never toasted */
struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	return datum;
}

/* referenced by the linked files, never by the parser: a call is a bug */
#define NEVER(name) void name(void); void name(void) { abort(); }
NEVER(text_to_cstring)
NEVER(cstring_to_text)
NEVER(deconstruct_array)
NEVER(ArrayGetNItems)
NEVER(getBaseType)
NEVER(numeric_float8)
NEVER(DirectFunctionCall1Coll)
NEVER(construct_empty_array)
