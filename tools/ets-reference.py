#!/usr/bin/env python3
"""Reference forecasts of additive exponential smoothing from statsmodels, for libs/stats' ETS test.

Runs statsmodels' ExponentialSmoothing on a few NAB series shipped in datasets/nab (1) with fixed smoothing
parameters and statsmodels' own heuristic initial state, and (2) with the smoothing parameters optimised by
statsmodels from a known initial state, and writes the parameters, initial states, one-step predictions and
forecasts to libs/stats/src/fixtures/ets-statsmodels-reference.json, which libs/stats/src/fit-ets.spec.ts reads.

Run once, outside the repository's Node toolchain (any Python 3.10+):
    python3 -m venv /tmp/ets-venv && /tmp/ets-venv/bin/pip install statsmodels
    /tmp/ets-venv/bin/python tools/ets-reference.py
    npx prettier --write libs/stats/src/fixtures/ets-statsmodels-reference.json   # the repository's JSON style
The fixture records the versions and the exact call of every case.
"""

import csv
import json
import platform
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from statsmodels.tsa.holtwinters import ExponentialSmoothing

ROOT = Path(__file__).resolve().parent.parent
NAB = ROOT / "datasets" / "nab" / "data"
OUT = ROOT / "libs" / "stats" / "src" / "fixtures" / "ets-statsmodels-reference.json"

# Fixed-parameter cases: (file, first rows, trend, damped, period, smoothing_level, smoothing_trend (component
# form, beta* = beta / alpha), smoothing_seasonal, damping_trend, forecast steps).
FIXED = [
    ("realKnownCause/nyc_taxi.csv", 1344, "add", True, 48, 0.3, 0.05, 0.2, 0.9, 96),
    ("artificialNoAnomaly/art_daily_small_noise.csv", 2016, "add", False, 288, 0.2, 0.1, 0.15, None, 288),
    ("realAWSCloudwatch/ec2_cpu_utilization_5f5533.csv", 1000, "add", True, 0, 0.5, 0.2, None, 0.95, 24),
    ("realTweets/Twitter_volume_GOOG.csv", 2016, None, False, 288, 0.1, None, 0.05, None, 288),
]

# Optimised cases: ETS(A,N,A) from a known initial state (the heuristic one of the fixed case on the same rows);
# statsmodels chooses smoothing_level and smoothing_seasonal by least squares (its default SLSQP-based fit).
OPTIMISED = [
    ("realKnownCause/nyc_taxi.csv", 1344, 48),
    ("realTweets/Twitter_volume_GOOG.csv", 2016, 288),
]


def load(key, rows):
    with open(NAB / key, newline="") as f:
        reader = csv.DictReader(f)
        values = [float(r["value"]) for r in reader]
    return np.asarray(values[:rows], dtype=float)


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=float)]


def heuristic_start(y, trend, damped, period):
    kwargs = dict(trend=trend, damped_trend=damped, initialization_method="heuristic")
    if period:
        kwargs.update(seasonal="add", seasonal_periods=period)
    model = ExponentialSmoothing(y, **kwargs)
    return model.initial_values()


def fixed_case(key, rows, trend, damped, period, alpha, beta_star, gamma, phi, steps):
    y = load(key, rows)
    level, slope, season = heuristic_start(y, trend, damped, period)
    model_kwargs = dict(
        trend=trend,
        damped_trend=damped,
        initialization_method="known",
        initial_level=float(level),
    )
    if trend:
        model_kwargs["initial_trend"] = float(slope)
    if period:
        model_kwargs.update(seasonal="add", seasonal_periods=period, initial_seasonal=floats(season))
    fit_kwargs = dict(smoothing_level=alpha, optimized=False)
    if trend:
        fit_kwargs["smoothing_trend"] = beta_star
    if period:
        fit_kwargs["smoothing_seasonal"] = gamma
    if damped:
        fit_kwargs["damping_trend"] = phi
    res = ExponentialSmoothing(y, **model_kwargs).fit(**fit_kwargs)
    call = (
        f"ExponentialSmoothing(y, {', '.join(f'{k}={v!r}' for k, v in model_kwargs.items() if k != 'initial_seasonal')}"
        f"{', initial_seasonal=<initial.season>' if period else ''})"
        f".fit({', '.join(f'{k}={v!r}' for k, v in fit_kwargs.items())})"
    )
    return {
        "source": f"datasets/nab/data/{key}",
        "rows": rows,
        "spec": {"trend": "none" if not trend else ("damped" if damped else "additive"), "period": period},
        "params": {
            "alpha": alpha,
            "beta": alpha * beta_star if trend else 0,
            "gamma": gamma if period else 0,
            "phi": phi if damped else 1,
        },
        "initial": {
            "level": float(level),
            "trend": float(slope) if trend else 0.0,
            "season": floats(season) if period else [],
        },
        "initial_from": "ExponentialSmoothing(y, same trend/season, initialization_method='heuristic').initial_values()",
        "call": call,
        "sse": float(res.sse),
        "fitted_last": floats(res.fittedvalues[-max(period, 24):]),
        "forecast": floats(res.forecast(steps)),
    }


def optimised_case(key, rows, period):
    y = load(key, rows)
    level, _, season = heuristic_start(y, None, False, period)
    res = ExponentialSmoothing(
        y,
        seasonal="add",
        seasonal_periods=period,
        initialization_method="known",
        initial_level=float(level),
        initial_seasonal=floats(season),
    ).fit()
    return {
        "source": f"datasets/nab/data/{key}",
        "rows": rows,
        "spec": {"trend": "none", "period": period},
        "initial": {"level": float(level), "trend": 0.0, "season": floats(season)},
        "call": (
            f"ExponentialSmoothing(y, seasonal='add', seasonal_periods={period}, initialization_method='known', "
            "initial_level=<initial.level>, initial_seasonal=<initial.season>).fit()"
        ),
        "params": {
            "alpha": float(res.params["smoothing_level"]),
            "beta": 0,
            "gamma": float(res.params["smoothing_seasonal"]),
            "phi": 1,
        },
        "sse": float(res.sse),
    }


def main():
    fixture = {
        "generated_by": "tools/ets-reference.py",
        "versions": {
            "python": platform.python_version(),
            "statsmodels": statsmodels.__version__,
            "numpy": np.__version__,
            "scipy": scipy.__version__,
        },
        "parameter_mapping": (
            "statsmodels component form -> error-correction form: alpha = smoothing_level, "
            "beta = smoothing_level * smoothing_trend, gamma = smoothing_seasonal, phi = damping_trend; "
            "initial.season[j] is the seasonal term of row j (j < period)"
        ),
        "known_difference": (
            "statsmodels 0.15.0 forecasts horizons h = k*period with the seasonal term of one season before the last "
            "observation instead of the one updated by it (statsmodels issue #9538, fixed by pull request #10230 "
            "after 0.15.0): there, the state-space forecast is higher by gamma * (last one-step error)"
        ),
        "fixed": [fixed_case(*c) for c in FIXED],
        "optimised": [optimised_case(*c) for c in OPTIMISED],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(fixture, indent=1) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
