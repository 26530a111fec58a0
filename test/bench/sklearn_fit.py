#!/usr/bin/python3
"""What a user would do instead of ooml: load an exported CSV into NumPy and
fit scikit-learn's LogisticRegression with the same penalty.

    sklearn_fit.py DATA.csv L2
        prints lines "what|seconds|details" for test/bench/bench.sh
    sklearn_fit.py --objective DATA.csv L2 MODEL.liblinear
        prints the objective ooml minimizes at liblinear's solution

Column 0 of the CSV is the 0/1 target, the rest are features.  ooml's
objective is mean(log(1 + exp(eta)) - y eta) + l2/2 |w|^2, the intercept not
penalized; scikit-learn minimizes C sum(...) + 1/2 |w|^2 (lbfgs leaves the
intercept unpenalized), the same problem for C = 1 / (n l2).
"""
import sys
import time

import numpy as np


def objective(b0, w, X, y, l2):
    eta = b0 + X @ w
    return float(np.mean(np.logaddexp(0.0, eta) - y * eta) + 0.5 * l2 * np.dot(w, w))


def main():
    if sys.argv[1] == "--objective":
        data = np.loadtxt(sys.argv[2], delimiter=",")
        l2 = float(sys.argv[3])
        lines = open(sys.argv[4]).read().split("\n")
        labels = next(l for l in lines if l.startswith("label")).split()[1:]
        start = lines.index("w") + 1
        w = np.array([float(v) for v in lines[start:] if v.strip()])
        if labels[0] != "1":
            w = -w
        y, X = data[:, 0], data[:, 1:]
        print("%.10f" % objective(w[-1], w[:-1], X, y, l2))
        return

    path, l2 = sys.argv[1], float(sys.argv[2])
    t0 = time.time()
    data = np.loadtxt(path, delimiter=",")
    t1 = time.time()
    y, X = data[:, 0], data[:, 1:]
    print("numpy.loadtxt|%.3f|%d x %d" % (t1 - t0, X.shape[0], X.shape[1]))

    from sklearn.linear_model import LogisticRegression

    n = len(y)
    t0 = time.time()
    m = LogisticRegression(C=1.0 / (n * l2), tol=1e-10, max_iter=10000).fit(X, y)
    t1 = time.time()
    print("scikit-learn LogisticRegression (lbfgs)|%.3f|%d iterations, objective %.10f"
          % (t1 - t0, m.n_iter_[0], objective(m.intercept_[0], m.coef_[0], X, y, l2)))


if __name__ == "__main__":
    main()
