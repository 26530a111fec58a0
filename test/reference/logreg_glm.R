# Reference values of sql/02_logreg_published.sql: R's glm(family = binomial)
# on data sets shipped with R.  Run: Rscript test/reference/logreg_glm.R
# (Debian: r-base-core, r-cran-mass).
library(MASS)
print(summary(glm(am ~ hp + wt, binomial, mtcars)), digits = 7)
print(summary(glm(case ~ spontaneous + induced, binomial, infert)), digits = 7)
b <- birthwt
b$race <- factor(b$race, labels = c("white", "black", "other"))
m <- glm(low ~ age + lwt + race + smoke + ptl + ht + ui, binomial, b)
print(summary(m), digits = 7)
print(exp(cbind(OR = coef(m), confint.default(m))), digits = 8)
# standard errors at the exact optimum
m2 <- update(m, control = glm.control(epsilon = 1e-14, maxit = 100))
print(sqrt(diag(vcov(m2))), digits = 9)
# the data files of the tests
write.csv(cbind(model = rownames(mtcars), mtcars), "mtcars.csv", row.names = FALSE)
write.csv(infert, "infert.csv", row.names = FALSE)
write.csv(birthwt, "birthwt.csv", row.names = FALSE)
