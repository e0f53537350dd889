# Launch time against the number of separately mounted store items (bench/report.py
# writes the data: N, then median/min/max in ms for burrow and for bwrap).
# Usage: gnuplot -e "data='FILE'; out='PNG'" bench/scaling.gp
if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
    set terminal pngcairo size 900,560 font "sans,11"
} else {
    set terminal png size 900,560
}
set output out
set title "Launch of /bin/true with N store items mounted separately (host root + store)"
set xlabel "N (store items, one bind mount each)"
set ylabel "launch time, ms (median; bars: min-max)"
set logscale xy
set xrange [0.7:1500]
set grid xtics ytics mxtics mytics lc rgb "#dddddd"
set key top left
set format y "%g"
plot data using 1:2:3:4 with yerrorlines lw 2 pt 7 lc rgb "#1b7837" title "burrow (profile items)", \
     data using 1:5:6:7 with yerrorlines lw 2 pt 5 lc rgb "#b2182b" title "bwrap (N --ro-bind)"
