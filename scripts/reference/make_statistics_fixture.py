"""Write the statistics fixture: scipy's values for everything `Sources/BermoHarness/Statistics` computes.

`Tests/BermoHarnessTests/StatisticsTests.swift` replays every case against bermo's own implementation (the
regularized incomplete beta, Student's t CDF, tails and quantiles, Welch's and Student's pooled two-sample
t-tests, Student's t interval of a mean, numpy's linear percentile, and the seeds needed per run to detect a drop).
Run from the repository root in the reference virtualenv (scripts/reference/setup_venv.sh):

    ~/.cache/bermo/refvenv/bin/python scripts/reference/make_statistics_fixture.py \
        --out Tests/Fixtures/statistics/scipy_reference.json

The output is deterministic (fixed inputs; the random samples come from numpy's generator seeded with SEED).
Written with scipy 1.17.1 and numpy 2.4.6.
"""

import argparse
import json

import numpy as np
import scipy
from scipy import special, stats

SEED = 20261208


def power_case(delta, sigma, alpha, power):
    """Seeds per run for a one-sided two-sample t-test with equal n: the smallest n >= 2 whose power (the noncentral
    t's tail beyond the critical value, noncentrality delta / (sigma sqrt(2/n)), df 2n - 2) reaches `power`."""
    n = 2
    while stats.nct.sf(stats.t.ppf(1 - alpha, 2 * n - 2), 2 * n - 2, delta / (sigma * np.sqrt(2 / n))) < power:
        n += 1
    return {"delta": delta, "sigma": sigma, "alpha": alpha, "power": power, "n": n}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)

    beta = [{"x": x, "a": a, "b": b, "value": float(special.betainc(a, b, x))}
            for a, b in [(0.5, 0.5), (0.5, 5), (2, 3), (15, 0.5), (250, 0.5), (1000, 1000)]
            for x in [1e-8, 0.01, 0.3, 0.5, 0.77, 0.999]]
    dfs = [1, 1.5, 2, 3, 4.7, 9, 30, 100, 1000, 1e6]
    cdf = [{"df": df, "t": t, "cdf": float(stats.t.cdf(t, df)), "sf": float(stats.t.sf(t, df))}
           for df in dfs for t in [-40, -5, -2.3, -1, -0.1, 0, 0.3, 1.96, 3, 12, 50]]
    quantile = [{"df": df, "p": p, "q": float(stats.t.ppf(p, df))}
                for df in dfs for p in [1e-10, 1e-4, 0.001, 0.025, 0.05, 0.2, 0.5, 0.8, 0.95, 0.975, 0.995, 1 - 1e-6]]

    samples = [
        ([0.81, 0.82, 0.80], [0.79, 0.80, 0.78, 0.80]),
        ([0.5, 0.52, 0.49, 0.51, 0.50], [0.55, 0.56, 0.54, 0.57, 0.55]),
        ([1.0, 2.0], [1.5, 1.5000001, 1.4999]),
        (list(rng.normal(0.8, 0.01, 7)), list(rng.normal(0.79, 0.03, 12))),
        (list(rng.normal(10, 3, 30)), list(rng.normal(11, 1, 4))),
    ]
    welch = []
    for x, y in samples:
        g = stats.ttest_ind(x, y, equal_var=False, alternative="greater")
        l = stats.ttest_ind(x, y, equal_var=False, alternative="less")
        welch.append({"x": x, "y": y, "t": float(g.statistic), "df": float(g.df), "p_greater": float(g.pvalue), "p_less": float(l.pvalue)})
    pooled = []
    for x, y in samples + [([0.80], [0.82, 0.83, 0.81]), ([0.70, 0.72, 0.71, 0.69, 0.70], [0.74])]:
        g = stats.ttest_ind(x, y, equal_var=True, alternative="greater")
        l = stats.ttest_ind(x, y, equal_var=True, alternative="less")
        pooled.append({"x": x, "y": y, "t": float(g.statistic), "df": float(g.df), "p_greater": float(g.pvalue), "p_less": float(l.pvalue)})

    intervals = []
    for values in [[0.01, 0.03], [0.012, -0.004, 0.02], [0.5, 0.4, 0.45, 0.47, 0.52, 0.43], list(rng.normal(-0.02, 0.05, 25))]:
        n = len(values)
        low, high = stats.t.interval(0.95, n - 1, loc=np.mean(values), scale=stats.sem(values))
        intervals.append({"values": values, "level": 0.95, "low": float(low), "high": float(high)})

    percentiles = [{"values": values, "q": q, "value": float(np.percentile(values, 100 * q))}
                   for values in [[3.0, 1.0, 2.0], [0.1, 0.7, 0.2, 0.9, 0.4, 0.3, 0.8], list(rng.normal(0, 1, 40))]
                   for q in [0.0, 0.025, 0.3, 0.5, 0.975, 1.0]]

    noncentral = [{"df": df, "x": x, "ncp": ncp, "sf": float(stats.nct.sf(x, df, ncp))}
                  for df in [2, 5, 18, 100] for ncp in [0, 0.5, 2.5, 6] for x in [-1, 0.7, 1.8, 4]]
    power = [power_case(0.01, sigma, 0.05, 0.8) for sigma in [0.001, 0.003, 0.005, 0.0071, 0.01, 0.02]]

    with open(args.out, "w") as f:
        json.dump({"generator": "scripts/reference/make_statistics_fixture.py", "scipy": scipy.__version__, "numpy": np.__version__,
                   "incomplete_beta": beta, "t_cdf": cdf, "t_quantile": quantile, "welch": welch, "pooled": pooled,
                   "t_interval": intervals, "percentile": percentiles,
                   "noncentral_t_sf": noncentral, "power": power}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
