# Reference values for multinomial logistic regression: R's nnet::multinom.
# Run from the repository root:
#   Rscript test/reference/multinom.R > test/reference/multinom.out
# (Debian: r-base-core, r-cran-mass, r-cran-nnet).  Convergence diagnostics go
# to stderr.  It also (re)writes test/data/housing.csv and
# test/data/multiclass.csv.
#
# Part 1: the MASS example (Venables & Ripley, MASS 4th ed., section 7.3)
#   multinom(Sat ~ Infl + Type + Cont, weights = Freq, data = housing)
# Part 2: a generated 4-class data set (refcase "gen").
#
# Output lines:  <refcase> <class> <term> <coef> <stderr>
#                deviance <x>
#                aic <x>
# refcases: housing_reflow  = Sat levels as in MASS (Low, Medium, High),
#                             reference Low;
#           housing_refhigh = Sat levels sorted as text (High, Low, Medium),
#                             reference High;
#           gen             = test/data/multiclass.csv, reference 'ant'.
# Terms: intercept, then the columns of the data files (infl_medium,
# infl_high, type_apartment, type_atrium, type_terrace, cont_high; x1, x2, x3).
#
# WHICH NUMBERS ARE PRINTED: multinom's BFGS (even with reltol = 1e-14) only
# gets the coefficients to roughly 1e-6..1e-9 relative, so every fit is
# polished by Newton iterations on the same design (weighted softmax
# log-likelihood, analytic gradient and Hessian), started from multinom's
# solution and run until the step is below 1e-15 relative.  The printed
# coefficients are these Newton values (the exact MLE); the standard errors are
# sqrt(diag(H^-1)) with H the analytic Hessian of the negative log-likelihood
# at that MLE, i.e. what summary.multinom() computes (multinomHess) but at the
# exact optimum; deviance = -2 logL at the MLE, aic = deviance + 2 * (number
# of coefficients).  The stderr diagnostics show, for each fit, the gradient at
# multinom's solution, the largest relative difference between multinom's
# (Hess = TRUE fit, summary()) values and the printed Newton values, and the
# gradient at the Newton solution.
suppressPackageStartupMessages({ library(MASS); library(nnet) })

fmt <- function(x) formatC(x, digits = 10, format = "g")
diag_msg <- function(...) message(sprintf(...))

# weighted softmax negative log-likelihood; B is p x K-1 (column = class)
nll_parts <- function(B, X, Y, w) {
  eta <- cbind(0, X %*% B)
  m <- apply(eta, 1, max)
  lse <- m + log(rowSums(exp(eta - m)))
  P <- exp(eta - lse)
  list(value = -sum(w * (rowSums(Y * eta) - lse)), P = P)
}
grad_hess <- function(B, X, Y, w) {
  p <- ncol(X); K1 <- ncol(B)
  pr <- nll_parts(B, X, Y, w)
  P <- pr$P[, -1, drop = FALSE]; Yn <- Y[, -1, drop = FALSE]
  g <- as.vector(-crossprod(X, w * (Yn - P)))     # class-major, like coef()
  H <- matrix(0, p * K1, p * K1)
  for (a in 1:K1) for (b in 1:K1) {
    d <- w * (P[, a] * ((a == b) - P[, b]))
    H[(a - 1) * p + 1:p, (b - 1) * p + 1:p] <- crossprod(X, d * X)
  }
  list(value = pr$value, g = g, H = H)
}
newton <- function(B, X, Y, w) {
  for (it in 1:100) {
    gh <- grad_hess(B, X, Y, w)
    step <- solve(gh$H, gh$g)
    B <- B - matrix(step, nrow(B))
    if (max(abs(step) / pmax(abs(B), 1e-3)) < 1e-15 && it >= 3) break
  }
  gh <- grad_hess(B, X, Y, w)
  list(B = B, H = gh$H, g = gh$g, value = gh$value, iter = it)
}

# fit with multinom, check, polish, print.  X: design with intercept,
# y: factor (first level = reference), w: weights, terms: printed term names
report <- function(refcase, formula, data, X, y, w, terms) {
  data$wt_ <- w                                  # multinom evaluates weights in data
  fit <- multinom(formula, data = data, weights = wt_, reltol = 1e-14,
                  maxit = 10000, trace = FALSE)
  fitH <- multinom(formula, data = data, weights = wt_, reltol = 1e-14,
                   maxit = 10000, trace = FALSE, Hess = TRUE)
  s <- summary(fitH)
  cf <- coef(fit); cfH <- coef(fitH)
  Y <- outer(as.integer(y), seq_along(levels(y)), "==") * 1
  B0 <- t(cfH)                                   # p x K-1
  g0 <- grad_hess(B0, X, Y, w)$g
  nt <- newton(B0, X, Y, w)
  B <- nt$B
  se <- matrix(sqrt(diag(solve(nt$H))), nrow(B))
  dev <- 2 * nt$value
  aic <- dev + 2 * length(B)
  rel <- function(a, b) max(abs(a - b) / abs(b))
  diag_msg("%s: convergence %d (Hess=FALSE) %d (Hess=TRUE), %s vs Hess=TRUE fit: max |diff| %.2e",
           refcase, fit$convergence, fitH$convergence, "Hess=FALSE fit",
           max(abs(cf - cfH)))
  diag_msg("%s: max |gradient| at multinom solution %.3e, at Newton solution %.3e (%d Newton steps)",
           refcase, max(abs(g0)), max(abs(nt$g)), nt$iter)
  diag_msg("%s: multinom vs Newton max rel diff: coef %.3e, stderr %.3e, deviance %.3e (multinom deviance %.12g)",
           refcase, rel(t(cfH), B), rel(t(s$standard.errors), se),
           abs(fitH$deviance - dev) / dev, fitH$deviance)
  stopifnot(length(terms) == nrow(B), max(abs(nt$g)) < 1e-8)
  cls <- levels(y)[-1]
  for (k in seq_along(cls)) for (j in seq_along(terms))
    writeLines(paste(refcase, cls[k], terms[j], fmt(B[j, k]), fmt(se[j, k])))
  writeLines(paste("deviance", fmt(dev)))
  writeLines(paste("aic", fmt(aic)))
}

## Part 1: MASS housing ------------------------------------------------------
h <- MASS::housing
mm <- model.matrix(~ Infl + Type + Cont, h)
stopifnot(identical(colnames(mm), c("(Intercept)", "InflMedium", "InflHigh",
  "TypeApartment", "TypeAtrium", "TypeTerrace", "ContHigh")))
hterms <- c("infl_medium", "infl_high", "type_apartment", "type_atrium",
            "type_terrace", "cont_high")
hcsv <- data.frame(sat = as.character(h$Sat))
for (j in seq_along(hterms)) hcsv[[hterms[j]]] <- as.integer(mm[, j + 1])
hcsv$freq <- as.integer(h$Freq)
stopifnot(nrow(hcsv) == 72)
write.csv(hcsv, "test/data/housing.csv", row.names = FALSE, quote = FALSE)

X <- unname(mm)
terms <- c("intercept", hterms)
report("housing_reflow", Sat ~ Infl + Type + Cont, h, X, h$Sat, h$Freq, terms)
h2 <- h
h2$Sat <- factor(as.character(h$Sat))            # High, Low, Medium
stopifnot(identical(levels(h2$Sat), c("High", "Low", "Medium")))
report("housing_refhigh", Sat ~ Infl + Type + Cont, h2, X, h2$Sat, h2$Freq, terms)

## Part 2: generated 4-class data --------------------------------------------
set.seed(20240917)
n <- 600
x <- matrix(rnorm(n * 3), n, 3)
# true coefficients vs 'ant' (rows: intercept, x1, x2, x3; columns bee, cat, dog)
Btrue <- cbind(bee = c( 0.3,  1.0, -0.5,  0.2),
               cat = c(-0.2, -0.7,  0.8,  0.5),
               dog = c( 0.5,  0.4,  0.3, -1.0))
eta <- cbind(0, cbind(1, x) %*% Btrue)
pr <- exp(eta) / rowSums(exp(eta))
labs <- c("ant", "bee", "cat", "dog")
lab <- apply(pr, 1, function(p) sample(labs, 1, prob = p))
g17 <- function(v) sprintf("%.17g", v)
out <- data.frame(label = lab, x1 = g17(x[, 1]), x2 = g17(x[, 2]),
                  x3 = g17(x[, 3]))
write.csv(out, "test/data/multiclass.csv", row.names = FALSE, quote = FALSE)

# fit what was written (%.17g round-trips doubles exactly)
d <- read.csv("test/data/multiclass.csv")
stopifnot(nrow(d) == n, identical(as.matrix(d[, 2:4]), unname(x)) ||
          all(as.matrix(d[, 2:4]) == x))
d$label <- factor(d$label)                       # ant, bee, cat, dog
diag_msg("gen: class counts %s", paste(names(table(d$label)), table(d$label),
                                       collapse = " "))
report("gen", label ~ x1 + x2 + x3, d, cbind(1, as.matrix(d[, 2:4])),
       d$label, rep(1, n), c("intercept", "x1", "x2", "x3"))
