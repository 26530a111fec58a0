#!/usr/bin/env bash
# The README's test command: does the whole set-up (test/setup.sh), then runs
# every check: the build is free of warnings, the pg_regress suite (sql/,
# expected/), and the scripts in test/t/ (what pg_regress cannot express).
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
cd "$(dirname "$0")/.." || exit 1
source test/setup.sh
set +e +o pipefail

passed=0
failed=0
pass() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "FAILED - $1"; failed=$((failed + 1)); }

# the build: no compiler warnings
if grep -E 'warning:' "$OOML_BUILD_LOG" >/dev/null; then
    grep -E 'warning:' "$OOML_BUILD_LOG"
    fail "build without compiler warnings"
else
    pass "build without compiler warnings"
fi

# pg_regress: one check per test file
make -s installcheck PG_CONFIG=$PGBIN/pg_config > /tmp/ooml-regress.log 2>&1
while read -r line; do
    name=$(echo "$line" | sed -E 's/^ *(test +)?([^ ]+) .*/\2/')
    case "$line" in
        *" ... ok"*|*" ... ignored"*) pass "regress $name" ;;
        *" ... FAILED"*|*" ... failed"*) fail "regress $name" ;;
    esac
done < <(grep -E '^(test|     ) ' /tmp/ooml-regress.log)
if [ -s regression.diffs ]; then
    echo "--- regression.diffs (first 80 lines)"
    head -80 regression.diffs
fi
if ! grep -qE '^test ' /tmp/ooml-regress.log; then
    cat /tmp/ooml-regress.log
    fail "pg_regress ran"
fi

# scripts: each prints what it checks and exits non-zero on failure
for t in test/t/*.sh; do
    [ -e "$t" ] || continue
    if out=$(bash "$t" 2>&1); then
        pass "$(basename "$t" .sh)"
    else
        echo "$out" | tail -20
        fail "$(basename "$t" .sh)"
    fi
done

# a smoke run of the benchmark (tiny data), so that it cannot rot
if out=$(bash test/bench/bench.sh --quick 2>&1) && echo "$out" | grep -q '^benchmark done'; then
    pass "benchmark smoke run"
else
    echo "$out" | tail -20
    fail "benchmark smoke run"
fi

# and of the grouped-training benchmark: it checks one scan per pass and
# that the groups' models are those of the groups trained alone
if out=$(bash test/bench/groups.sh --quick 2>&1) && echo "$out" | grep -q '^benchmark done'; then
    pass "grouped-training benchmark smoke run ($(echo "$out" | grep -m1 'sequential scans' | awk '{print $7 " scans for " $9 " passes"}'))"
else
    echo "$out" | tail -20
    fail "grouped-training benchmark smoke run"
fi

# the fuzz target over the state parser, for a fixed budget
if out=$(bash test/fuzz/run.sh 30 2>&1) && echo "$out" | grep -q '^Done [0-9]* runs'; then
    pass "fuzz the state parser for 30 s ($(echo "$out" | grep -o '^Done [0-9]* runs'))"
else
    echo "$out" | tail -30
    fail "fuzz the state parser"
fi

# the regression suite under valgrind (every server process)
if out=$(bash test/valgrind.sh 2>&1); then
    pass "regression suite under valgrind: $(echo "$out" | tail -1)"
else
    echo "$out" | tail -40
    fail "regression suite under valgrind"
fi

ooml_stop_cluster
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
