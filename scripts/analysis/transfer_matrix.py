"""Example analysis of a crossfork dataset snapshot, offline, with pyarrow only.

1. Transfer matrix of ideas across hardware families: for each pair of families (A, B), among the
   ideas with a measured effect on both, how often an idea that helped on A (median delta val_bpb < 0)
   also helped on B, with a 95% Wilson interval.
2. Per-class noise: the pooled run-to-run sigma of val_bpb within replication groups (the same
   train.py measured more than once), with a 95% interval (Wilson-Hilferty chi-square).

Run:  .venv/bin/python scripts/analysis/transfer_matrix.py SNAPSHOT_DIR
      (SNAPSHOT_DIR holds records.parquet, e.g. a download of /v1/snapshots/latest/records.parquet)
"""
import math
import statistics
import sys
from collections import defaultdict
from itertools import permutations

import pyarrow.parquet as pq

Z = 1.959964


def wilson(k, n):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + Z * Z / n
    c = (p + Z * Z / (2 * n)) / d
    h = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / d
    return (c - h, c + h)


def chi2_quantile(q_z, df):
    """Wilson-Hilferty: the chi-square quantile at standard-normal quantile q_z."""
    a = 2 / (9 * df)
    return df * (1 - a + q_z * math.sqrt(a)) ** 3


def main(folder):
    rows = pq.read_table(f"{folder}/records.parquet").to_pylist()
    # Signed, unflagged, measured records on a known family; public-log rows have no hardware.
    usable = [r for r in rows if r["signed"] and not r["flagged"] and r["val_bpb"] is not None and r["hardware_family"]]
    print(f"{len(rows)} records, {len(usable)} signed, unflagged and measured")

    effect = defaultdict(list)  # (harness_key, idea, family) -> deltas
    for r in usable:
        if r["idea_id"] and r["delta_val_bpb"] is not None:
            effect[(r["harness_key"], r["idea_id"], r["hardware_family"])].append(r["delta_val_bpb"])
    helped = defaultdict(dict)  # (harness_key, idea) -> family -> median delta < 0
    for (h, idea, fam), ds in effect.items():
        helped[(h, idea)][fam] = statistics.median(ds) < 0
    families = sorted({f for fams in helped.values() for f in fams})

    print("\nTransfer: P(helps on B | helped on A), ideas measured on both, 95% Wilson interval")
    print(f"{'A -> B':40} {'n':>3} {'P':>6}  interval")
    for a, b in permutations(families, 2):
        both = [f for f in helped.values() if a in f and b in f and f[a]]
        k = sum(1 for f in both if f[b])
        if both:
            lo, hi = wilson(k, len(both))
            print(f"{a + ' -> ' + b:40} {len(both):>3} {k / len(both):>6.2f}  [{lo:.2f}, {hi:.2f}]")

    print("\nNoise per hardware class: pooled sigma of val_bpb within replication groups")
    groups = defaultdict(list)
    for r in usable:
        if r["replication_group"]:
            groups[(r["harness_key"], r["hardware_class"], r["replication_group"])].append(r["val_bpb"])
    pooled = defaultdict(lambda: [0.0, 0])  # class -> [sum of squares, degrees of freedom]
    for (h, cls, g), vals in groups.items():
        if len(vals) >= 2:
            m = sum(vals) / len(vals)
            pooled[cls][0] += sum((v - m) ** 2 for v in vals)
            pooled[cls][1] += len(vals) - 1
    print(f"{'class':24} {'df':>3} {'sigma':>9}  95% interval")
    for cls, (ss, df) in sorted(pooled.items()):
        s = math.sqrt(ss / df)
        lo, hi = s * math.sqrt(df / chi2_quantile(Z, df)), s * math.sqrt(df / max(chi2_quantile(-Z, df), 1e-9))
        print(f"{cls:24} {df:>3} {s:>9.5f}  [{lo:.5f}, {hi:.5f}]")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
