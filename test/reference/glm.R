# Reference values of sql/15_glm.R: R's glm with other families and links.
# Run: Rscript test/reference/glm.R (Debian: r-base-core, r-cran-mass).
library(MASS)
show <- function(m) {
    m <- update(m, control = glm.control(epsilon = 1e-14, maxit = 100))
    s <- summary(m)
    print(s$coefficients, digits = 12)
    print(c(deviance = m$deviance, null.deviance = m$null.deviance, aic = m$aic,
            dispersion = s$dispersion, df.residual = m$df.residual), digits = 12)
}
# Poisson with an offset: claims of the Insurance data (MASS), factors as dummies
ins <- within(Insurance, { Group <- factor(Group, ordered = FALSE); Age <- factor(Age, ordered = FALSE) })
show(glm(Claims ~ District + Group + Age + offset(log(Holders)), family = poisson, data = ins))
write.csv(Insurance, "insurance.csv", row.names = FALSE)
# Poisson without offset: warpbreaks (R's ?glm examples use it in ?warpbreaks)
show(glm(breaks ~ wool + tension, family = poisson, data = warpbreaks))
write.csv(warpbreaks, "warpbreaks.csv", row.names = FALSE)
# Gamma: clotting times (McCullagh and Nelder), the example of R's ?glm
clotting <- data.frame(u = c(5,10,15,20,30,40,60,80,100),
                       lot1 = c(118,58,42,35,27,25,21,19,18),
                       lot2 = c(69,35,26,21,18,16,13,12,12))
show(glm(lot1 ~ log(u), data = clotting, family = Gamma))
show(glm(lot2 ~ log(u), data = clotting, family = Gamma(link = "log")))
show(glm(lot1 ~ log(u), data = clotting, family = inverse.gaussian))
# binomial with the probit link; gaussian with the log link
show(glm(case ~ spontaneous + induced, family = binomial(link = "probit"), data = infert))
show(glm(mpg ~ wt, family = gaussian(link = "log"), data = mtcars))
