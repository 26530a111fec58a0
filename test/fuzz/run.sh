#!/usr/bin/env bash
# Build the libFuzzer target over ooml's state parser (the code that reads
# bytes ooml did not write: the binary receive and text input functions of
# ooml.state) with AddressSanitizer and UndefinedBehaviorSanitizer, seed it
# with valid states of every kind, and run it for a fixed budget.
#
#   bash test/fuzz/run.sh [SECONDS]      (default 60; Debian: clang-14, libclang-rt-14-dev)
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_BUDGET=${1:-60}
for p in clang-14 libclang-rt-14-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
OUT=/tmp/ooml-fuzz
mkdir -p $OUT/corpus
INC="-I/usr/include/postgresql/15/server -I/usr/include/postgresql/internal"
clang-14 -g -O1 -Wno-ignored-attributes -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -fno-sanitize=alignment $INC -I../../src \
    fuzz_state.c stubs.c ../../src/state.c ../../src/rowread.c ../../src/family.c \
    ../../src/family_binomial.c ../../src/family_gaussian.c ../../src/family_glm.c ../../src/family_svm.c ../../src/family_multinomial.c -lRmath -lm -o $OUT/fuzz_state
# seeds: the binary form of valid states of each kind (made by the server when
# one is running, else by the fuzzer from scratch)
if command -v psql >/dev/null && psql -Atc "SELECT 1" >/dev/null 2>&1; then
    psql -At -c "SELECT 1 FROM pg_extension WHERE extname = 'ooml'" | grep -q 1 || psql -q -c "CREATE EXTENSION IF NOT EXISTS ooml"
    i=0
    for kind in gradient newton qr sgd; do
        fam=$([ $kind = qr ] && echo gaussian || echo binomial)
        psql -At -c "SELECT encode(ooml.state_send(ooml.make_state('$kind', '$fam', true, ARRAY[0.5, -1, 2]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b'], l2 => 0.1, learning_rate => 0.1)), 'hex')" \
            | xxd -r -p > $OUT/corpus/seed_$kind
        psql -At -c "SELECT encode(ooml.state_send(ooml.make_state('$kind', '$fam', false, ARRAY[1, 2, 3]::float8[], ARRAY[3], ARRAY['y', 'xs', 'w'], weights => true, moments => true, learning_rate => 0.1)), 'hex')" \
            | xxd -r -p > $OUT/corpus/seed_${kind}_w
    done
    # states of passes: packed (as a plain aggregate hands them on) and with
    # rows still buffered (as under hashed aggregation)
    for kind in gradient newton; do
        pass="ooml.pass_state(ooml.make_state('$kind', 'binomial', true, ARRAY[0.5, -1, 2]::float8[], ARRAY[1, 1], ARRAY['y', 'a', 'b']), i % 2 = 0, sin(i), cos(i))"
        psql -qAt -c "SELECT encode(ooml.state_send($pass), 'hex') FROM generate_series(1, 100) i" \
            | xxd -r -p > $OUT/corpus/packed_$kind
        psql -qAt -c "SET enable_sort = off" -c "SELECT encode(ooml.state_send($pass), 'hex') FROM generate_series(1, 100) i GROUP BY i IS NOT NULL" \
            | xxd -r -p > $OUT/corpus/buffered_$kind
    done
fi
$OUT/fuzz_state -max_total_time=$SECONDS_BUDGET -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    $OUT/corpus 2>&1 | tail -12
