/* the harness's side of stubs.c */
#include <setjmp.h>
extern sigjmp_buf fuzz_jump;
extern bool fuzz_errored;
extern void fuzz_free_all(void);
