# Reference values of the ridge cases of sql/02_logreg_published.sql:
# glmnet(alpha = 0, standardize = FALSE) with lambda = l2 minimizes
#   mean(log(1 + exp(eta)) - y * eta) + lambda / 2 * |beta|^2 (intercept free),
# ooml's objective.  Each reference is confirmed by minimizing that
# objective directly with optim; keep only cases where both agree.
# Run: Rscript test/reference/logreg_ridge.R (Debian: r-cran-glmnet).
library(glmnet)
x <- as.matrix(infert[, c("spontaneous", "induced")])
y <- infert$case
for (lam in c(0.05, 0.2)) {
    f <- glmnet(x, y, family = "binomial", lambda = lam, alpha = 0,
                standardize = FALSE, thresh = 1e-20, maxit = 1e7)
    g <- as.numeric(coef(f))
    obj <- function(b) {
        eta <- b[1] + x %*% b[-1]
        mean(log1p(exp(eta)) - y * eta) + lam / 2 * sum(b[-1]^2)
    }
    o <- optim(c(0, 0, 0), obj, method = "BFGS",
               control = list(reltol = 1e-16, maxit = 10000))
    cat(sprintf("lambda %g: glmnet %s\n", lam, paste(sprintf("%.13g", g), collapse = " ")))
    cat(sprintf("            optim  %s (max rel diff %.1e)\n",
                paste(sprintf("%.13g", o$par), collapse = " "), max(abs(o$par - g) / abs(g))))
}
