/*-------------------------------------------------------------------------
 *
 * dd.h
 *	  Double-double arithmetic: a value is the unevaluated sum hi + lo of two
 *	  doubles, carrying about 32 significant digits.  Used to accumulate the
 *	  Gram matrix and residuals for iterative refinement (solve.c, pass.c).
 *
 * The building blocks are the error-free transformations of Knuth (TwoSum)
 * and of the fused multiply-add (TwoProduct); see Ogita, Rump and Oishi,
 * "Accurate sum and dot product", SIAM J. Sci. Comput. 26 (2005).
 *
 *-------------------------------------------------------------------------
 */
#ifndef OOML_DD_H
#define OOML_DD_H

#include <math.h>

typedef struct dd
{
	double		hi;
	double		lo;
} dd;

/* s + e = a + b exactly */
static pg_attribute_always_inline void
dd_two_sum(double a, double b, double *s, double *e)
{
	double		t;

	*s = a + b;
	t = *s - a;
	*e = (a - (*s - t)) + (b - t);
}

/* p + e = a * b exactly */
static pg_attribute_always_inline void
dd_two_prod(double a, double b, double *p, double *e)
{
	*p = a * b;
	*e = fma(a, b, -*p);
}

/* x += a (a double) */
static pg_attribute_always_inline void
dd_add_d(dd *x, double a)
{
	double		s,
				e;

	dd_two_sum(x->hi, a, &s, &e);
	e += x->lo;
	x->hi = s + e;
	x->lo = e - (x->hi - s);
}

/* x += y */
static pg_attribute_always_inline void
dd_add(dd *x, dd y)
{
	double		s,
				e;

	dd_two_sum(x->hi, y.hi, &s, &e);
	e += x->lo + y.lo;
	x->hi = s + e;
	x->lo = e - (x->hi - s);
}

/* x += a * b (doubles), the product taken exactly */
static pg_attribute_always_inline void
dd_add_prod(dd *x, double a, double b)
{
	double		p,
				e,
				s,
				f;

	dd_two_prod(a, b, &p, &e);
	dd_two_sum(x->hi, p, &s, &f);
	f += x->lo + e;
	x->hi = s + f;
	x->lo = f - (x->hi - s);
}

/* x += y * b (y double-double, b double) */
static pg_attribute_always_inline void
dd_add_dd_prod(dd *x, dd y, double b)
{
	double		p,
				e;

	dd_two_prod(y.hi, b, &p, &e);
	e += y.lo * b;
	dd_add(x, (dd) {p, e});
}

static pg_attribute_always_inline double
dd_value(dd x)
{
	return x.hi + x.lo;
}

#endif							/* OOML_DD_H */
