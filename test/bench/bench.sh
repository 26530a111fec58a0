#!/usr/bin/env bash
# ooml's benchmark: how close a training pass comes to the cost of a bare
# scan, end-to-end training against what users would do instead, parallel
# passes, memory, scoring, and the Hessian's BLAS arithmetic alone.  Every
# ratio is measured side by side in one run (medians of repeated runs),
# because this machine is small and noisy.
#
#   bash test/bench/bench.sh [--rows N] [--features D] [--reps R] [--big] [--quick]
#
#   --rows N      rows of the generated tables (default 1000000)
#   --features D  features (default 20)
#   --reps R      repetitions per timing, median reported (default 5)
#   --big         also run passes, parallel passes and the memory test at
#                 10x the rows
#   --quick       a smoke run: tiny defaults, no scikit-learn/liblinear,
#                 no buffer-pool restart (used by test/check.sh)
#
# It does the whole set-up first (test/setup.sh), and installs Debian's
# python3-sklearn and liblinear-tools for the comparison.
set -euo pipefail
cd "$(dirname "$0")/../.."

ROWS=1000000
D=20
REPS=5
BIG=0
QUICK=0
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) ROWS=$2; shift 2 ;;
        --features) D=$2; shift 2 ;;
        --reps) REPS=$2; shift 2 ;;
        --big) BIG=1; shift ;;
        --quick) QUICK=1; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
if [ $QUICK = 1 ]; then
    [ "$ROWS" = 1000000 ] && ROWS=3000
    REPS=1
fi

source test/setup.sh
set +o pipefail
if [ $QUICK = 0 ]; then
    for p in python3-sklearn python3-numpy liblinear-tools; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="${missing:-} $p"
    done
    if [ -n "${missing:-}" ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
    fi
fi

DB=ooml_bench
WORK=$(mktemp -d /tmp/ooml-bench.XXXXXX)
chmod 777 "$WORK"
q() { psql -X -At -q -d $DB -v ON_ERROR_STOP=1 "$@"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
row() { printf '%-58s %10s %s\n' "$1" "$2" "${3:-}"; }

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
q -c "CREATE EXTENSION ooml" -f test/bench/bench.sql

cores=$(nproc)
echo "== ooml benchmark: $ROWS rows x $D features; PostgreSQL $(q -c 'SHOW server_version'); $cores cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "   medians of $REPS runs; shared_buffers $(q -c 'SHOW shared_buffers')"
t0=$(date +%s.%N)
q -c "SET client_min_messages = warning; SELECT bench.generate($ROWS, $D)" >/dev/null
q -c "VACUUM ANALYZE bench.t_arr" -c "VACUUM ANALYZE bench.t_col"
echo "   generated in $(awk -v a=$t0 -v b=$(date +%s.%N) 'BEGIN { printf "%.1f", b - a }') s: t_arr $(q -c "SELECT pg_size_pretty(pg_table_size('bench.t_arr'))"), t_col $(q -c "SELECT pg_size_pretty(pg_table_size('bench.t_col'))")"

SERIAL="SET max_parallel_workers_per_gather = 0;"
# ms_with SETTINGS SQL: median milliseconds of SQL under SETTINGS; ms SQL: serially
ms_with() { q -c "$1 SELECT round(bench.ms(\$bench\$$2\$bench\$, $REPS)::numeric, 1)" | tail -1; }
ms() { ms_with "$SERIAL" "$1"; }
# two_ms SETTINGS CALL: the two medians (ms) that CALL (bench.ms_alternate or
# bench.ms_workers) returns, under SETTINGS, as "a b"
two_ms() { q -c "$1 SELECT array_to_string(ARRAY(SELECT round(v::numeric, 1) FROM unnest($2) v), ' ')" | tail -1; }
# ms_alt SQL1 SQL2: median milliseconds of both, run alternately (serially;
# 2 REPS + 1 pairs), for a pass and its floor
ms_alt() { two_ms "$SERIAL" "bench.ms_alternate(\$bench\$$1\$bench\$, \$bench\$$2\$bench\$, $((2 * REPS + 1)))"; }
pass_sql() { q -c "SELECT bench.pass_sql('$1', '$2', $D)"; }
# floor_sql LAYOUT: the floor scan of a layout's table
floor_sql() { if [ "$1" = arr ]; then echo "SELECT sum(x[1]) FROM bench.t_arr"; else echo "SELECT sum(c$D) FROM bench.t_col"; fi; }
# arr_sql WHAT TABLE: the floor scan (WHAT = floor) or a pass of kind WHAT
# over TABLE, a table of the array layout
arr_sql() {
    if [ "$1" = floor ]; then echo "SELECT sum(x[1]) FROM $2"; else pass_sql "$1" arr | sed "s/bench\.t_arr/$2/"; fi
}

# Where the table is read from decides the floor: from shared buffers (a
# table that fits, prewarmed) or from the operating system's page cache (any
# table larger than a quarter of shared_buffers, read through a small ring
# of buffers).  Sections 1 and 2 measure both, each pass next to its floor.
prewarm() { q -c "SELECT pg_prewarm('$1')" >/dev/null; }
# restart [OPTIONS]: stop and start the server, with postgresql.conf's
# settings plus OPTIONS (pg_ctl restart would keep the last start's options)
stop_server() { as_postgres $PGBIN/pg_ctl -D "$OOML_PGBASE/data" -m fast -w stop >/dev/null; }
start_server() { as_postgres $PGBIN/pg_ctl -D "$OOML_PGBASE/data" -l "$OOML_PGBASE/server.log" -w ${1:+-o "$1"} start >/dev/null; }
restart() { stop_server; start_server "${1:-}"; }
q -c "CREATE EXTENSION IF NOT EXISTS pg_prewarm"

# in_buffers TABLE [OPTIONS]: restart the server (shared buffers empty) and
# read TABLE into shared buffers, where it alone fits
in_buffers() { restart "${2:-}"; prewarm "$1"; }

# Both layouts' floors and passes with their table in shared buffers; the
# rows are printed in sections 1 and 2a.
for layout in arr col; do
    if [ $layout = arr ]; then
        in_buffers bench.t_arr
        F_ARR=$(ms "SELECT sum(x[1]) FROM bench.t_arr")
        F_CNT=$(ms "SELECT count(*) FROM bench.t_arr")
    else
        in_buffers bench.t_col
        F_COL=$(ms "SELECT sum(c$D) FROM bench.t_col")
        F_COL1=$(ms "SELECT sum(c1) FROM bench.t_col")
    fi
    for kind in gradient newton qr sgd; do
        if [ $kind = gradient ] || [ $kind = newton ]; then
            # a pass with a target: measured alternately with its floor
            read -r f t < <(ms_alt "$(floor_sql $layout)" "$(pass_sql $kind $layout)")
            eval "P_${kind}_${layout}=$t FA_${kind}_${layout}=$f"
        else
            eval "P_${kind}_${layout}=$(ms "$(pass_sql $kind $layout)")"
        fi
    done
done

echo
echo "-- 1. the floor: bare sequential scans reading the feature values (serial; table in shared buffers)"
row "SELECT sum(x[1]) FROM t_arr  (floor, array layout)" "$F_ARR ms"
row "SELECT sum(c$D) FROM t_col   (floor, columns: deforms all $D)" "$F_COL ms"
row "SELECT sum(c1) FROM t_col" "$F_COL1 ms"
row "SELECT count(*) FROM t_arr" "$F_CNT ms"

echo
echo "-- 2. one pass of each training aggregate (serial), and its ratio to the floor"
echo "   a. the table alone in shared buffers (server restarted, pg_prewarm), as in section 1"
for layout in arr col; do
    floor=$F_ARR; [ $layout = col ] && floor=$F_COL
    for kind in gradient newton qr sgd; do
        t=$(eval echo "\$P_${kind}_${layout}")
        case $kind in
            gradient|newton)
                f=$(eval echo "\$FA_${kind}_${layout}")
                target="[target <= 1.5]"; [ $kind = newton ] && target="[target <= 2.0]"
                row "$kind pass, $layout layout" "$t ms" "$(ratio $t $f)x floor (run alternately with it: $f ms) $target" ;;
            *)
                row "$kind pass, $layout layout" "$t ms" "$(ratio $t $floor)x floor" ;;
        esac
    done
done
echo "   b. the table read from the operating system's page cache (server restarted, shared buffers empty)"
restart
for layout in arr col; do
    floor=$(ms "$(floor_sql $layout)")
    row "floor, $layout layout" "$floor ms"
    if [ $layout = col ]; then
        # what PostgreSQL's executor spends handing a row's target and D values
        # to a function, before the function does anything: part of every
        # column-layout pass, and not of the floor
        allcols=$(seq -s ', c' 1 $D)
        t=$(ms "SELECT sum(num_nulls(y, c$allcols)) FROM bench.t_col")
        row "sum(num_nulls(y, c1, ..., c$D)): passing the values" "$t ms" "$(ratio $t $floor)x floor (PostgreSQL's share of a column pass)"
    fi
    for kind in gradient newton; do
        read -r f t < <(ms_alt "$(floor_sql $layout)" "$(pass_sql $kind $layout)")
        target="[target <= 1.5]"; [ $kind = newton ] && target="[target <= 2.0]"
        row "$kind pass, $layout layout" "$t ms" "$(ratio $t $f)x floor (run alternately with it: $f ms) $target"
    done
done

echo
echo "-- 3. training to convergence, end to end (serial; l2 = 1e-4 for the classifiers)"
L2=0.0001
train() {  # name, sql; prints seconds, passes, objective
    q -c "$SERIAL SELECT round(seconds::numeric, 3), iterations FROM ($2) r" | tail -1 | tr '|' ' '
}
for layout in arr col; do
    if [ $layout = arr ]; then feats="ARRAY['x']"; rel=bench.t_arr
    else feats="ARRAY[$(seq -s, 1 $D | sed -E "s/([0-9]+)/'c\1'/g")]"; rel=bench.t_col; fi
    read -r s it < <(train n "SELECT * FROM ooml.train_logreg('newton_$layout', '$rel', 'y', $feats, l2 => $L2, replace => true)")
    row "train_logreg newton, $layout layout" "$s s" "$it passes, objective $(q -c "SELECT round((stats->>'objective')::numeric, 10) FROM ooml.models WHERE name = 'newton_$layout'")"
    eval "T_newton_${layout}=$s"
    read -r s it < <(train g "SELECT * FROM ooml.train_logreg('gd_$layout', '$rel', 'y', $feats, l2 => $L2, optimizer => 'gd', max_iter => 1000, replace => true)")
    row "train_logreg gd, $layout layout" "$s s" "$it passes, objective $(q -c "SELECT round((stats->>'objective')::numeric, 10) FROM ooml.models WHERE name = 'gd_$layout'")"
    for opt in lbfgs sgd; do
        read -r s it < <(train $opt "SELECT * FROM ooml.train_logreg('${opt}_$layout', '$rel', 'y', $feats, l2 => $L2, optimizer => '$opt', replace => true)")
        row "train_logreg $opt, $layout layout" "$s s" "$it passes, objective $(q -c "SELECT round((stats->>'objective')::numeric, 10) FROM ooml.models WHERE name = '${opt}_$layout'")"
    done
    read -r s it < <(train l "SELECT * FROM ooml.train_linreg('qr_$layout', '$rel', 'yl', $feats, replace => true)")
    row "train_linreg qr, $layout layout" "$s s" "$it passes, R^2 $(q -c "SELECT round((stats->>'r2')::numeric, 6) FROM ooml.models WHERE name = 'qr_$layout'")"
done
OBJ=$(q -c "SELECT stats->>'objective' FROM ooml.models WHERE name = 'newton_arr'")
same=$(q -c "SELECT max(abs(a.c - b.c)) FROM (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = 'newton_arr') a JOIN (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = 'newton_col') b USING (i)")
row "largest coefficient difference, array vs column layout" "$same"

if [ $QUICK = 0 ]; then
    echo
    echo "-- 4. what a user would do instead: export with COPY, load into NumPy, fit (same data, same penalty)"
    t0=$(date +%s.%N)
    q -c "COPY (SELECT y::int, $(seq -s, 1 $D | sed -E 's/([0-9]+)/x[\1]/g') FROM bench.t_arr) TO '$WORK/data.csv' (FORMAT csv)"
    t_copy=$(awk -v a=$t0 -v b=$(date +%s.%N) 'BEGIN { printf "%.3f", b - a }')
    row "COPY to CSV" "$t_copy s"
    /usr/bin/python3 test/bench/sklearn_fit.py "$WORK/data.csv" $L2 > "$WORK/sk.txt"
    cat "$WORK/sk.txt" | while IFS='|' read -r what secs extra; do row "$what" "$secs s" "$extra"; done
    t_load=$(grep '^numpy.loadtxt' "$WORK/sk.txt" | cut -d'|' -f2)
    t_fit=$(grep '^scikit-learn LogisticRegression' "$WORK/sk.txt" | cut -d'|' -f2)
    sk_obj=$(grep '^scikit-learn LogisticRegression' "$WORK/sk.txt" | sed -E 's/.*objective ([-0-9.e]+).*/\1/')
    total=$(awk -v a=$t_copy -v b=$t_load -v c=$t_fit 'BEGIN { printf "%.3f", a + b + c }')
    row "export + load + scikit-learn, total" "$total s" "$(ratio $total $T_newton_arr)x the time of ooml newton (array) [target >= 2]"
    row "objective: ooml newton - scikit-learn" "$(awk -v a=$OBJ -v b=$sk_obj 'BEGIN { printf "%.2e", a - b }')" "[target |.| <= 1e-6]"
    # liblinear: svmlight format; it penalizes the bias as well, so its objective differs slightly
    t0=$(date +%s.%N)
    q -c "COPY (SELECT CASE WHEN y THEN '+1' ELSE '-1' END || ' ' || (SELECT string_agg(j || ':' || x[j], ' ') FROM generate_series(1, $D) j) FROM bench.t_arr) TO '$WORK/data.svm'"
    t_svm=$(awk -v a=$t0 -v b=$(date +%s.%N) 'BEGIN { printf "%.3f", b - a }')
    C=$(awk -v n=$ROWS -v l=$L2 'BEGIN { printf "%.10g", 1 / (n * l) }')
    t0=$(date +%s.%N)
    liblinear-train -s 0 -c $C -B 1 -e 0.0001 -q "$WORK/data.svm" "$WORK/model.liblinear" >/dev/null
    t_ll=$(awk -v a=$t0 -v b=$(date +%s.%N) 'BEGIN { printf "%.3f", b - a }')
    row "liblinear train -s 0 (export $t_svm s + train)" "$(awk -v a=$t_svm -v b=$t_ll 'BEGIN { printf "%.3f", a + b }') s" "train alone $t_ll s; bias penalized, objective $(/usr/bin/python3 test/bench/sklearn_fit.py --objective "$WORK/data.csv" $L2 "$WORK/model.liblinear")"
fi

echo
echo "-- 5. parallel passes: the same pass with 0 and 2 workers, run alternately (tables read from the page cache, as in section 2b; medians of $((2 * REPS + 1)) pairs)"
PAR="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;"
defplan=$(q -c "SET max_parallel_workers_per_gather = 2; EXPLAIN $(pass_sql gradient arr)" | grep -o 'Workers Planned: [0-9]*' || echo "serial plan")
row "plan with default costs, 2 workers allowed" "$defplan"
# What the machine allows: a scan from the page cache copies every page,
# and two processes copy no faster than one when they share the memory
# bandwidth (test/bench/membw.c).
if cc -O2 -o "$WORK/membw" test/bench/membw.c 2>/dev/null; then
    read -r bw1 bw2 < <("$WORK/membw")
    row "memory bandwidth (memcpy of 64 MB): 1 process / 2 at once" "$bw1 GB/s" "/ $bw2 GB/s together: $(ratio $bw2 $bw1)x"
fi
# Each parallel worker loads the libraries its leader has loaded: for a
# pass, ooml with OpenBLAS, LAPACK and Rmath, and PL/pgSQL's library when
# the pass runs from PL/pgSQL (ooml's driver; this benchmark's timing
# function), on every query, unless the server preloaded them
# (shared_preload_libraries) and the workers inherit them.  A pass over
# 1,000 rows shows that start-up cost alone.
q -c "SET client_min_messages = warning; DROP TABLE IF EXISTS bench.t_tiny; CREATE TABLE bench.t_tiny AS SELECT * FROM bench.t_arr LIMIT 1000; ANALYZE bench.t_tiny" >/dev/null
tiny=$(pass_sql gradient arr | sed 's/bench\.t_arr/bench.t_tiny/')
# Over 50,000 rows the workers get rows too, and each hands its state to
# the leader: what a parallel pass costs beyond a parallel count(*).
SMALL=$(( ROWS < 50000 ? ROWS : 50000 ))
q -c "SET client_min_messages = warning; DROP TABLE IF EXISTS bench.t_small; CREATE TABLE bench.t_small AS SELECT * FROM bench.t_arr LIMIT $SMALL" -c "VACUUM ANALYZE bench.t_small" >/dev/null
small=$(pass_sql gradient arr | sed 's/bench\.t_arr/bench.t_small/')
# ms_pair SQL REPS [WORKERS]: the median ms of SQL with 0 and with WORKERS (default 2) workers, "s p"
ms_pair() { two_ms "$PAR" "bench.ms_workers(\$bench\$$1\$bench\$, $2, ${3:-2})"; }
# par_row LABEL SQL [TARGET [WORKERS]]: a row of SQL's times with 0 and
# WORKERS (default 2) workers
par_row() {
    local s p w=${4:-2}
    read -r s p < <(ms_pair "$2" $((2 * REPS + 1)) $w)
    row "$1: 0 workers $s ms, $w worker$([ $w = 1 ] || echo s)" "$p ms" "$(ratio $s $p)x faster ${3:-}"
}
# par_arr LABEL TABLE [TARGET]: the floor scan, a gradient and a Newton pass
# over TABLE (array layout) with 0 and 2 workers
par_arr() {
    local what
    for what in floor gradient newton; do
        par_row "$1, $what" "$(arr_sql $what $2)" "$([ $what = floor ] || echo "${3:-}")"
    done
}
par_rows() {  # the parallel rows, in the server as it is now
    local kind layout
    par_row "floor scan" "SELECT sum(x[1]) FROM bench.t_arr" "(what the machine allows a scan)"
    # the start-up: parallel runs alone, as many as par_row's pairs
    local n=$((2 * REPS + 1))
    row "start-up: 1,000 rows, 2 workers: floor / gradient pass" \
        "$(REPS=$n ms_with "$PAR" "SELECT sum(x[1]) FROM bench.t_tiny") ms" "/ $(REPS=$n ms_with "$PAR" "$tiny") ms"
    row "$SMALL rows, 2 workers: count(*) / gradient pass" \
        "$(REPS=$n ms_with "$PAR" "SELECT count(*) FROM bench.t_small") ms" "/ $(REPS=$n ms_with "$PAR" "$small") ms"
    for kind in gradient newton qr; do
        for layout in arr col; do
            par_row "$kind pass, $layout" "$(pass_sql $kind $layout)" "${1:-}"
        done
    done
}
# Huge pages for the server's shared memory make starting and ending a
# worker cheaper (fewer page-table entries to copy, fault and tear down).
# Reserving them (vm.nr_hugepages) needs root; the previous value is put
# back when the benchmark ends.  Not in a --quick run.  A parallel query's
# dynamic shared memory (1 MB here) comes from a part of the main shared
# memory set aside at start (min_dynamic_shared_memory) instead of a new
# segment made, mapped and faulted in by the leader and every worker.
PRELOAD="-c shared_preload_libraries=ooml,plpgsql -c min_dynamic_shared_memory=16MB"
HUGE=""
if [ $QUICK = 0 ] && [ -w /proc/sys/vm/nr_hugepages ]; then
    old_nr=$(cat /proc/sys/vm/nr_hugepages)
    trap 'echo "$old_nr" > /proc/sys/vm/nr_hugepages 2>/dev/null || true' EXIT
    # the server must be stopped for postgres -C to compute the size
    stop_server
    need=$(as_postgres $PGBIN/postgres -D "$OOML_PGBASE/data" $PRELOAD -C shared_memory_size_in_huge_pages 2>/dev/null || echo 0)
    [ "$old_nr" -lt "${need:-0}" ] && { echo "$need" > /proc/sys/vm/nr_hugepages; } 2>/dev/null
    [ "${need:-0}" -gt 0 ] && [ "$(cat /proc/sys/vm/nr_hugepages)" -ge "$need" ] && HUGE="-c huge_pages=on"
    start_server
fi
echo "   a. the default configuration: every worker loads ooml, its libraries and PL/pgSQL's"
par_rows
echo "   b. shared_preload_libraries = 'ooml' (server restarted with it): the workers inherit ooml and its libraries"
restart "-c shared_preload_libraries=ooml"
par_rows
echo "   c. shared_preload_libraries = 'ooml, plpgsql', min_dynamic_shared_memory = 16MB$([ -n "$HUGE" ] && echo ", huge_pages = on" || echo "; without huge pages (reserving them takes root, and --quick does not)")"
restart "$PRELOAD $HUGE"
par_rows "[target >= 1.7]"
# on 2 vCPUs, 2 workers and the leader are three processes on two cores
par_row "gradient pass, arr, 1 worker (2 processes)" "$(pass_sql gradient arr)" "" 1
s=$(q -c "$SERIAL SELECT seconds FROM ooml.train_logreg('par0', 'bench.t_arr', 'y', ARRAY['x'], l2 => $L2, replace => true)" | tail -1)
p=$(q -c "$PAR SELECT seconds FROM ooml.train_logreg('par2', 'bench.t_arr', 'y', ARRAY['x'], l2 => $L2, replace => true)" | tail -1)
row "train_logreg newton end to end, 0 workers $(printf %.3f $s) s, 2 workers" "$(printf %.3f $p) s" "$(ratio $s $p)x faster"
row "same model (largest coefficient difference)" "$(q -c "SELECT max(abs(a.c - b.c)) FROM (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = 'par0') a JOIN (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = 'par2') b USING (i)")"
# the same with the array table in shared buffers (as in section 2a)
in_buffers bench.t_arr "$PRELOAD $HUGE"
par_arr "in shared buffers, arr" bench.t_arr
restart     # back to postgresql.conf's settings (no preloading, no huge pages)

echo
echo "-- 6. memory: peak private memory (RssAnon) of the training backend"
# peak_rss SQL [SETTINGS]: run SQL in a fresh backend, serially (and with
# JIT off unless SETTINGS say otherwise); prints its RssAnon in kB before the
# statement and the peak while it runs.  JIT is off because PostgreSQL loads
# LLVM (about 10 MB of private memory) into a backend whose query costs more
# than jit_above_cost, which a scan of 10M rows does and one of 1M rows does
# not: a step in PostgreSQL's memory that would hide what training keeps.
peak_rss() {
    PGAPPNAME=ooml_bench_mem psql -X -At -q -d $DB -c "$SERIAL SET jit = off; ${2:-} SELECT pg_sleep(0.5); $1" > /dev/null &
    local job=$!
    local pid=""
    for _ in $(seq 1 100); do
        pid=$(q -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'ooml_bench_mem'")
        [ -n "$pid" ] && break
        sleep 0.02
    done
    local base peak=0 v
    base=$(awk '/RssAnon/ { print $2 }' /proc/$pid/status 2>/dev/null || echo 0)
    while kill -0 $job 2>/dev/null; do
        v=$(awk '/RssAnon/ { print $2 }' /proc/$pid/status 2>/dev/null || echo 0)
        [ "${v:-0}" -gt "$peak" ] && peak=$v
        sleep 0.01
    done
    wait $job
    echo "$base $peak"
}
train_sql() { echo "SELECT ooml.train_logreg('$2', '$1', 'y', ARRAY['x'], l2 => $L2, replace => true)"; }
# ooml's share is the training's peak minus the bare scan's peak
read -r b1 p1 < <(peak_rss "$(train_sql bench.t_arr mem1)")
read -r s1b s1 < <(peak_rss "SELECT sum(x[1]) FROM bench.t_arr")
row "$ROWS rows: RssAnon peak training / peak of a bare scan" "$p1 kB" "(scan: $s1 kB; idle: $b1 kB) ooml's share $((p1 - s1)) kB"
if [ $BIG = 1 ]; then
    BIGROWS=$((ROWS * 10))
    q -c "CREATE TABLE bench.t_big AS SELECT * FROM bench.t_arr, generate_series(1, 10) g" -c "VACUUM ANALYZE bench.t_big"
    read -r b2 p2 < <(peak_rss "$(train_sql bench.t_big mem10)")
    read -r s2b s2 < <(peak_rss "SELECT sum(x[1]) FROM bench.t_big")
    row "$BIGROWS rows: RssAnon peak training / peak of a bare scan" "$p2 kB" "(scan: $s2 kB; idle: $b2 kB) ooml's share $((p2 - s2)) kB"
    row "peak at $BIGROWS rows / peak at $ROWS rows, whole backend" "$(ratio $p2 $p1)" "[target <= 1.05] (the bare scan's: $(ratio $s2 $s1))"
    row "ooml's share at $BIGROWS rows / at $ROWS rows" "$(ratio $((p2 - s2)) $((p1 - s1)))"
    read -r j2b j2 < <(peak_rss "SELECT sum(x[1]) FROM bench.t_big" "SET jit = on;")
    read -r j1b j1 < <(peak_rss "SELECT sum(x[1]) FROM bench.t_arr" "SET jit = on;")
    row "with jit = on (the default): bare scan at $BIGROWS / $ROWS rows" "$j2 kB" "/ $j1 kB: PostgreSQL's JIT (LLVM) above jit_above_cost, $(( (j2 - s2) / 1024 )) MB"
    t=$(ms "$(arr_sql floor bench.t_big)")
    g=$(ms "$(arr_sql gradient bench.t_big)")
    n=$(ms "$(arr_sql newton bench.t_big)")
    row "$BIGROWS rows: floor / gradient pass / Newton pass" "$t ms" "gradient $g ms ($(ratio $g $t)x), Newton $n ms ($(ratio $n $t)x)"
    # the parallel passes of section 5c over the 10x table: the workers'
    # start-up, a few ms a query, weighs 10x less
    restart "$PRELOAD $HUGE"
    par_arr "$BIGROWS rows, configuration 5c" bench.t_big "[target >= 1.7]"
    restart
fi
if [ $QUICK = 0 ]; then
    # the same training with a buffer pool 20x smaller than the table
    size_mb=$(q -c "SELECT pg_table_size('bench.t_arr') / 1048576")
    big_sb=$(q -c "SHOW shared_buffers")
    sb=$(( size_mb / 20 )); [ $sb -lt 1 ] && sb=1
    restart "-c shared_buffers=${sb}MB"
    q -c "$SERIAL SELECT ooml.train_logreg('small_pool', 'bench.t_arr', 'y', ARRAY['x'], l2 => $L2, replace => true)" >/dev/null
    diff=$(q -c "SELECT max(abs(a.c - b.c)) FROM (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = 'small_pool') a JOIN (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = 'mem1') b USING (i)")
    row "shared_buffers ${sb}MB (table ${size_mb}MB): coefficient difference" "$diff" "vs shared_buffers $big_sb"
    restart
fi

echo
echo "-- 7. scoring: ooml.predict over all rows vs the same model written out in SQL (serial)"
sqlarr=$(q -c "SELECT '1 / (1 + exp(-(' || coef[1] || (SELECT string_agg(format(' + (%s) * x[%s]', coef[j + 1], j), '') FROM generate_series(1, $D) j) || ')))' FROM ooml.models WHERE name = 'newton_arr'")
sqlcol=$(q -c "SELECT '1 / (1 + exp(-(' || coef[1] || (SELECT string_agg(format(' + (%s) * c%s', coef[j + 1], j), '') FROM generate_series(1, $D) j) || ')))' FROM ooml.models WHERE name = 'newton_col'")
a=$(ms "SELECT sum(ooml.predict('newton_arr', t)) FROM bench.t_arr t")
b=$(ms "SELECT sum($sqlarr) FROM bench.t_arr")
c=$(ms "SELECT sum(ooml.predict('newton_arr', x)) FROM bench.t_arr")
row "sum(ooml.predict(m, t)), array layout" "$a ms" "SQL arithmetic: $b ms; ooml is $(ratio $b $a)x faster [target >= 1]"
row "sum(ooml.predict(m, x)), feature array" "$c ms" "$(ratio $b $c)x faster than SQL"
cols=$(q -c "SELECT string_agg('c' || j, ', ' ORDER BY j) FROM generate_series(1, $D) j")
u=$(ms "SELECT sum(ooml.predict('newton_col', $cols)) FROM bench.t_col")
b=$(ms "SELECT sum($sqlcol) FROM bench.t_col")
a=$(ms "SELECT sum(ooml.predict('newton_col', t)) FROM bench.t_col t")
row "sum(ooml.predict(m, c1, ..., c$D)), column layout" "$u ms" "SQL arithmetic: $b ms; ooml is $(ratio $b $u)x faster [target >= 1]"
row "sum(ooml.predict(m, t)), column layout, whole row" "$a ms" "$(ratio $b $a)x as fast as SQL"
w=$(ms "SELECT count(t) FROM bench.t_col t")
v=$(ms "SELECT sum(ooml.predict('newton_col', ARRAY[$cols])) FROM bench.t_col")
row "count(t), column layout: only building the whole-row datums" "$w ms" "$(ratio $w $b)x the SQL arithmetic"
row "sum(ooml.predict(m, ARRAY[c1, ...])), column layout" "$v ms" "$(ratio $b $v)x faster than SQL"
same=$(q -c "SELECT max(abs(ooml.predict('newton_col', t) - ooml.predict('newton_col', $cols))) FROM bench.t_col t")
row "largest difference, whole row vs one argument per feature" "$same"
same=$(q -c "SELECT max(abs(ooml.predict('newton_arr', t) - ($sqlarr))) FROM bench.t_arr t")
row "largest difference between the two" "$same"

echo
D8=50
echo "-- 8. optimizers on $ROWS rows x $D8 features (l2 = $L2; objective relative to Newton's optimum)"
q -c "SET client_min_messages = warning; SELECT bench.generate_arr('t50', $ROWS, $D8)" >/dev/null
q -c "VACUUM ANALYZE bench.t50"
opt_row() {  # name, optimizer, extra arguments
    q -c "$SERIAL SET client_min_messages = error; SELECT seconds, iterations FROM ooml.train_logreg('$1', 'bench.t50', 'y', ARRAY['x'], l2 => $L2, optimizer => '$2' $3, replace => true)" | tail -1 | tr '|' ' '
}
read -r s it < <(opt_row o_newton newton "")
row "newton" "$(printf %.3f $s) s" "$it passes"
for spec in "o_lbfgs lbfgs , max_iter => 60 [target: <= 1e-8 within 60 passes]" "o_sgd sgd , max_iter => 5 [target: <= 1e-3 within 5 passes]" "o_gd gd , max_iter => 200"; do
    set -- $spec
    name=$1; opt=$2; extra="$3 $4 $5 $6"
    target=$(echo "$spec" | grep -o '\[.*\]' || true)
    read -r s it < <(opt_row $name $opt "$extra")
    rel=$(q -c "SELECT CASE WHEN v < 0 THEN '-' ELSE '+' END || trim(to_char(abs(v), '9.9EEEE')) FROM (SELECT ((a.stats->>'objective')::float8 - (b.stats->>'objective')::float8) / (b.stats->>'objective')::float8 AS v FROM ooml.models a, ooml.models b WHERE a.name = '$name' AND b.name = 'o_newton') d")
    cd_=$(q -c "SELECT trim(to_char(max(abs(a.c - b.c)), '9.9EEEE')) FROM (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = '$name') a JOIN (SELECT unnest(coef) c, generate_subscripts(coef, 1) i FROM ooml.models WHERE name = 'o_newton') b USING (i)")
    row "$opt" "$(printf %.3f $s) s" "$it passes, objective $rel relative to Newton's, largest coefficient difference $cd_ $target"
done

echo
echo "-- 9. multinomial logistic regression: one Newton pass with 4 classes (3 linear predictors) vs a binary one (serial)"
q -c "CREATE TABLE bench.t_mult AS SELECT x, CASE WHEN x[1] + x[2] > 0.5 THEN 'a' WHEN x[3] - x[4] > 0 THEN 'b' WHEN x[5] > 0 THEN 'c' ELSE 'd' END AS label FROM bench.t_arr"
q -c "VACUUM ANALYZE bench.t_mult"
MSEED="ooml.make_state('newton', 'multinomial', true, array_fill(0::float8, ARRAY[3 * ($D + 1)]), ARRAY[$D], ARRAY['label', 'x'])"
T_MULT=$(ms "SELECT (s.r).loss FROM (SELECT ooml.pass($MSEED, array_position(ARRAY['a', 'b', 'c', 'd'], t.label) - 1, t.x) AS r FROM bench.t_mult AS t) AS s")
row "multinomial Newton pass (4 classes), array layout" "$T_MULT ms" "$(ratio $T_MULT $P_newton_arr)x the binary Newton pass, $(ratio $T_MULT $F_ARR)x the floor"

echo
echo "-- 10. the Hessian's arithmetic alone: X'X of $ROWS rows x $((D + 1)) values in BLAS, rows in cache (test/bench/syrk.c)"
if cc -O2 -o "$WORK/syrk" test/bench/syrk.c -lblas 2>/dev/null; then
    "$WORK/syrk" "$ROWS" $((D + 1)) 2>/dev/null | while read -r k syrk gemm loop; do
        row "blocks of $k rows: dsyrk (ooml's way) / dgemm / plain loop" "$syrk ms" "dgemm $gemm ms, loop $loop ms"
    done
    row "what a Newton pass adds to a gradient pass (section 2, array)" "$(awk -v a=$P_newton_arr -v b=$P_gradient_arr 'BEGIN { printf "%.1f", a - b }') ms"
else
    echo "(no C compiler or BLAS headers: skipped)"
fi

psql -X -q -d postgres -c "DROP DATABASE $DB"
rm -rf "$WORK"
echo
echo "benchmark done"
