EXTENSION = ooml
EXTVERSION = $(shell grep default_version $(EXTENSION).control | sed -e "s/default_version[[:space:]]*=[[:space:]]*'\([^']*\)'/\1/")

MODULE_big = ooml
OBJS = \
	src/ooml.o \
	src/state.o \
	src/pass.o \
	src/rowread.o \
	src/family.o \
	src/family_binomial.o \
	src/family_gaussian.o \
	src/family_glm.o \
	src/family_svm.o \
	src/family_multinomial.o \
	src/solve.o \
	src/lsq.o \
	src/predict.o \
	src/vecops.o \
	src/optim.o \
	src/distrib.o

# The extension script is assembled from src/sql/ in file-name order.
SQL_PARTS = $(sort $(wildcard src/sql/*.sql))
DATA_built = $(EXTENSION)--$(EXTVERSION).sql

# pg_regress: sql/NAME.sql against expected/NAME.out, in file-name order.
TESTS = $(sort $(wildcard sql/*.sql))
REGRESS = $(patsubst sql/%.sql,%,$(TESTS))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CPPFLAGS = -I/usr/include/x86_64-linux-gnu
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare -Wno-clobbered -Wno-cast-function-type
SHLIB_LINK = -llapacke -llapack -lblas -lRmath -lm

EXTRA_CLEAN = $(EXTENSION)--$(EXTVERSION).sql

# The families' block functions are written for the vectorizer, which -O2
# leaves off; the calls to exp and log1p vectorize only when they need not
# set errno or respect floating-point traps (ooml reads neither).
src/family_binomial.o: CFLAGS += -ftree-loop-vectorize -fvect-cost-model=dynamic -fno-math-errno -fno-trapping-math

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

$(EXTENSION)--$(EXTVERSION).sql: $(SQL_PARTS) $(EXTENSION).control
	cat $(SQL_PARTS) > $@

# every object depends on the shared headers
$(OBJS): src/ooml.h src/dd.h

# the double-double accumulation loops vectorize with the full cost model
src/lsq.o: CFLAGS += -fvect-cost-model=dynamic
