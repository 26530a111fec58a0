# Reference values of sql/11_linreg.sql: R's lm on mtcars, and ridge least
# squares checked two ways.  Run: Rscript test/reference/linreg_lm.R
# (Debian: r-base-core, r-cran-glmnet).
print(summary(lm(mpg ~ wt + hp, mtcars)), digits = 10)
print(AIC(lm(mpg ~ wt + hp, mtcars)), digits = 12)
print(summary(lm(mpg ~ wt + hp - 1, mtcars)), digits = 10)
# Ridge: ooml minimizes RSS / (2n) + l2 / 2 |beta|^2 (intercept free).
# glmnet's gaussian family scales y by its standard deviation (divisor n),
# so l2 = L corresponds to glmnet's lambda = L * sd_n(y).
library(glmnet)
x <- as.matrix(mtcars[, c("wt", "hp", "qsec")]); y <- mtcars$mpg; n <- length(y)
sdn <- sqrt(mean((y - mean(y))^2))
for (L in c(0.5, 5)) {
    f <- glmnet(x, y, alpha = 0, lambda = L * sdn, standardize = FALSE,
                thresh = 1e-20, maxit = 1e7)
    g <- as.numeric(coef(f))
    # the same objective minimized in closed form
    X <- cbind(1, x); P <- diag(c(0, rep(n * L, 3)))
    b <- solve(t(X) %*% X + P, t(X) %*% y)
    cat(sprintf("L %g: glmnet %s\n", L, paste(sprintf("%.12g", g), collapse = " ")))
    cat(sprintf("       exact  %s (max rel diff %.1e)\n",
                paste(sprintf("%.12g", b), collapse = " "), max(abs(b - g) / abs(b))))
}
