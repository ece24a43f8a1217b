#!/usr/bin/env python3
"""Reference values for FathomCore's tests, written to Tests/FathomCoreTests/Fixtures/.

* descriptive.json: numpy's sum, mean, std (ddof 0 and 1), quantile (default "linear"
  method), sort and unique on fixed inputs.
* xoshiro.json: the first outputs of xoshiro256** 1.0 seeded by SplitMix64, transcribed
  from the reference C code by Blackman and Vigna (prng.di.unimi.it), with the derived
  uniforms and Box-Muller normals Fathom computes from them.

Run: python3 Scripts/make-fixtures-core.py   (needs numpy)
"""
import json
import math
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "FathomCoreTests" / "Fixtures"
MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class Xoshiro256StarStar:
    def __init__(self, seed):
        st = seed
        self.s = []
        for _ in range(4):
            st, z = splitmix64(st)
            self.s.append(z)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result


def xoshiro_fixture():
    cases = []
    for seed in [0, 1, 42, 2**63 - 1]:
        g = Xoshiro256StarStar(seed)
        raw = [g.next() for _ in range(8)]
        g = Xoshiro256StarStar(seed)
        uniforms = [(g.next() >> 11) * 2.0**-53 for _ in range(6)]
        g = Xoshiro256StarStar(seed)
        normals = []
        for _ in range(3):
            u1 = ((g.next() >> 11) + 1) * 2.0**-53
            u2 = (g.next() >> 11) * 2.0**-53
            r = math.sqrt(-2.0 * math.log(u1))
            normals += [r * math.cos(2 * math.pi * u2), r * math.sin(2 * math.pi * u2)]
        cases.append({"seed": str(seed), "raw": [str(v) for v in raw], "uniform": uniforms, "normal": normals})
    return cases


def descriptive_fixture():
    rng = np.random.default_rng(20261123)
    inputs = {
        "small": [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0],
        "single": [2.5],
        "pair": [-1.0, 7.0],
        "ties": [1.0, 1.0, 1.0, 2.0, 2.0, 3.0],
        "normal1000": rng.normal(size=1000).tolist(),
        "lognormal777": rng.lognormal(mean=1.0, sigma=2.0, size=777).tolist(),
        "large_offset": (1e8 + rng.normal(size=500)).tolist(),
    }
    qs = [0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0]
    cases = []
    for name, x in inputs.items():
        a = np.array(x)
        case = {
            "name": name,
            "x": x,
            "sum": float(np.sum(a)),
            "mean": float(np.mean(a)),
            "std0": float(np.std(a, ddof=0)),
            "q": qs,
            "quantile": [float(v) for v in np.quantile(a, qs)],
            "sorted": np.sort(a).tolist(),
            "unique": np.unique(a).tolist(),
        }
        if len(x) > 1:
            case["std1"] = float(np.std(a, ddof=1))
        cases.append(case)
    return {"numpy": np.__version__, "cases": cases}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "xoshiro.json").write_text(json.dumps({"cases": xoshiro_fixture()}, indent=1) + "\n")
    (OUT / "descriptive.json").write_text(json.dumps(descriptive_fixture()) + "\n")
    print("wrote", OUT / "xoshiro.json", OUT / "descriptive.json")


if __name__ == "__main__":
    main()
