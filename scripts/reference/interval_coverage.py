"""Why bermo's comparisons use Student's t below 50 paired seeds and the percentile bootstrap from 50 on.

Simulates the coverage of the two 95% intervals for a mean (Student's t with n - 1 df; the percentile bootstrap,
2,000 resamples) for normal, skewed (lognormal) and outlier-prone (10% of seeds shifted by -5 std, like diverged
runs) per-seed differences, 4,000 samples per cell, and prints each method's coverage and the width ratio.
The table in docs/statistics.md is its output (numpy generator seeded with 0):

    ~/.cache/bermo/refvenv/bin/python scripts/reference/interval_coverage.py
"""

import numpy as np
from scipy import stats


def main():
    rng = np.random.default_rng(0)
    distributions = {
        "normal": (lambda n: rng.normal(0, 1, n), 0.0),
        "lognormal": (lambda n: rng.lognormal(0, 1, n), float(np.exp(0.5))),
        "10% outliers": (lambda n: np.where(rng.random(n) < 0.1, rng.normal(-5, 1, n), rng.normal(0, 1, n)), -0.5),
    }
    repeats, resamples = 4000, 2000
    print("| distribution | n | Student t coverage | bootstrap coverage | width t / bootstrap |")
    print("|---|---:|---:|---:|---:|")
    for name, (draw, mean) in distributions.items():
        for n in [3, 5, 8, 10, 15, 20, 30, 50]:
            covered_t = covered_b = 0
            width_t = width_b = 0.0
            for _ in range(repeats):
                x = draw(n)
                half = stats.t.ppf(0.975, n - 1) * x.std(ddof=1) / np.sqrt(n)
                covered_t += x.mean() - half <= mean <= x.mean() + half
                width_t += 2 * half
                means = x[rng.integers(0, n, (resamples, n))].mean(axis=1)
                low, high = np.percentile(means, [2.5, 97.5])
                covered_b += low <= mean <= high
                width_b += high - low
            print(f"| {name} | {n} | {covered_t / repeats:.3f} | {covered_b / repeats:.3f} | {width_t / width_b:.2f} |")


if __name__ == "__main__":
    main()
