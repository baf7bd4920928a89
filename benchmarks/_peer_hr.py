"""Solve a hospital-resident instance with the PyPI ``matching`` package.

Run as ``python -P benchmarks/_peer_hr.py IN.npz OUT.json`` from outside the
project root: the project's own ``matching`` app would otherwise shadow the
package of the same name. Prints nothing; writes timings and the matching.
"""

import json
import sys
import time
import warnings

import numpy as np

warnings.simplefilter("ignore")


def main(src: str, dst: str) -> None:
    data = np.load(src)
    idx, scores, capacity = data["idx"], data["scores"], data["capacity"]
    from matching.games import HospitalResident

    import matching

    t0 = time.perf_counter()
    resident_prefs = {}
    proposals: dict[int, list[tuple[float, int]]] = {}
    for i in range(idx.shape[0]):
        row = [int(j) for j in idx[i] if j >= 0]
        if row:
            resident_prefs[i] = row
            for j, s in zip(row, scores[i][: len(row)], strict=True):
                proposals.setdefault(j, []).append((-float(s), i))
    hospital_prefs = {j: [i for _, i in sorted(p)] for j, p in proposals.items()}
    capacities = {j: int(capacity[j]) for j in hospital_prefs}
    game = HospitalResident.create_from_dictionaries(resident_prefs, hospital_prefs, capacities)
    t1 = time.perf_counter()
    result = game.solve(optimal="resident")
    t2 = time.perf_counter()
    match = np.full(idx.shape[0], -1)
    for hospital, residents in result.items():
        for r in residents:
            match[r.name] = hospital.name
    with open(dst, "w") as fh:
        json.dump(
            {
                "version": matching.__version__,
                "build_seconds": t1 - t0,
                "solve_seconds": t2 - t1,
                "match": match.tolist(),
            },
            fh,
        )


if __name__ == "__main__":
    # The package deep-copies the linked player graph recursively; give it room.
    import threading

    sys.setrecursionlimit(10_000_000)
    threading.stack_size(1 << 30)
    worker = threading.Thread(target=main, args=(sys.argv[1], sys.argv[2]))
    worker.start()
    worker.join()
