# Sourced by the benchmarks: CPU time of a process and of its threads by kind, read from /proc, so progress
# can be judged on a shared, noisy machine (CPU seconds are steadier than wall time).
TICKS=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; } # pid
# Per thread kind (the kernel's thread names, digits dropped): "kind<TAB>ticks" lines.
thread_ticks() { # pid
  for t in /proc/"$1"/task/*; do
    # comm may hold spaces: take it from between the parentheses, the tick counts from after them
    { sed -E 's/^[0-9]+ \((.*)\) (.*)$/\1\t\2/' "$t/stat" 2>/dev/null || true; } | awk -F'\t' '{ split($2, f, " "); n = $1; gsub(/[0-9]+/, "#", n); print n "\t" f[12] + f[13] }'
  done | awk -F'\t' '{ s[$1] += $2 } END { for (k in s) print k "\t" s[k] }'
}
# The busiest thread kinds between two thread_ticks files, in seconds; threads that ended in between are
# missing from the "after" side, new ones count from 0.
thread_cpu_diff() { # before-file after-file
  awk -F'\t' -v h="$TICKS" 'NR == FNR { b[$1] = $2; next } { d = $2 - b[$1]; if (d > 0) printf "  %6.2f  %s\n", d / h, $1 }' \
    "$1" "$2" | sort -rn | head -"${3:-8}"
}
