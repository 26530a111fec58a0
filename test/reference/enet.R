# Reference values of sql/13_optimizers.sql: elastic net against glmnet
# (standardize = FALSE and TRUE, thresh = 1e-20), each solution checked
# against the optimality (KKT) conditions of ooml's objective
#   mean loss + l2/2 sum pw_j b_j^2 + l1 sum sqrt(pw_j) |b_j|
# (pw_j = 1, or sd_j^2 with standardize; sd with divisor n); and weighted
# fits against glm/lm with prior weights.
# Run: Rscript test/reference/enet.R (Debian: r-cran-glmnet, r-cran-mass).
library(glmnet)
library(MASS)
sdn <- function(v) sqrt(mean((v - mean(v))^2))
kkt <- function(X, y, b0, b, family, l1, l2, pw) {
    eta <- b0 + X %*% b
    r <- if (family == "binomial") y - 1 / (1 + exp(-eta)) else y - eta
    g <- -colMeans(X * as.vector(r)) + l2 * pw * b     # gradient of the smooth part
    viol <- ifelse(b != 0, abs(g + l1 * sqrt(pw) * sign(b)), pmax(abs(g) - l1 * sqrt(pw), 0))
    c(intercept = abs(mean(r)), max_violation = max(viol))
}
show <- function(label, f, X, y, family, l1, l2, pw) {
    co <- as.numeric(coef(f))
    cat(label, "\n  coef:", sprintf("%.12g", co), "\n")
    print(kkt(X, y, co[1], co[-1], family, l1, l2, pw))
}
b <- birthwt
X <- cbind(age = b$age, lwt = b$lwt, raceblack = as.numeric(b$race == 2),
           raceother = as.numeric(b$race == 3), smoke = b$smoke, ptl = b$ptl,
           ht = b$ht, ui = b$ui)
y <- b$low
# binomial: lambda = l1 + l2, alpha = l1 / (l1 + l2)
f <- glmnet(X, y, family = "binomial", lambda = 0.02, alpha = 0.5, standardize = FALSE, thresh = 1e-20, maxit = 1e7)
show("birthwt binomial l1 = 0.01, l2 = 0.01", f, X, y, "binomial", 0.01, 0.01, rep(1, 8))
sd <- apply(X, 2, sdn)
f <- glmnet(X, y, family = "binomial", lambda = 0.03, alpha = 1, standardize = TRUE, thresh = 1e-20, maxit = 1e7)
show("birthwt binomial lasso l1 = 0.03, standardize", f, X, y, "binomial", 0.03, 0, sd^2)
# gaussian: glmnet scales y by sd_n(y): l1 = lambda alpha, l2 = lambda (1 - alpha) / sd_n(y)
X <- as.matrix(mtcars[, c("wt", "hp", "qsec", "drat", "disp")])
y <- mtcars$mpg
f <- glmnet(X, y, lambda = 0.5, alpha = 1, standardize = FALSE, thresh = 1e-20, maxit = 1e7)
show("mtcars gaussian lasso l1 = 0.5", f, X, y, "gaussian", 0.5, 0, rep(1, 5))
sd <- apply(X, 2, sdn)
f <- glmnet(X, y, lambda = 1, alpha = 0.5, standardize = TRUE, thresh = 1e-20, maxit = 1e7)
show(sprintf("mtcars gaussian l1 = 0.5, l2 = 0.5 / sd_n(y) = %.15g, standardize", 0.5 / sdn(y)),
     f, X, y, "gaussian", 0.5, 0.5 / sdn(y), sd^2)
# weights: glm and lm with prior weights
w <- (infert$stratum %% 3) + 1
m <- glm(case ~ spontaneous + induced, binomial, infert, weights = w)
print(summary(m)$coefficients, digits = 12)
m <- lm(mpg ~ wt + hp, mtcars, weights = cyl)
print(summary(m)$coefficients, digits = 12)
print(c(sigma = summary(m)$sigma, r2 = summary(m)$r.squared), digits = 12)
# the weighted glm's standard errors at the exact optimum
m2 <- glm(case ~ spontaneous + induced, binomial, infert, weights = w,
          control = glm.control(epsilon = 1e-14, maxit = 100))
print(summary(m2)$coefficients[, 1:2], digits = 12)
