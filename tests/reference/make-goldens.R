#!/usr/bin/env Rscript
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes tests/stats/goldens-r.json: deterministic survival data sets and
# what R computes for them: survfit (KM, Greenwood, log CI, median),
# survdiff (log-rank), concordance (Harrell's C), p.adjust(method = "BH"),
# and Cox models: coxph (Efron ties, summary.coxph), its warnings about
# infinite coefficients, and cox.zph (transform "km", terms, global),
# plus the Lung1 survival case when $CS_SHARED_DATA is set (only the numbers
# are stored, not the data).
#
#   Rscript tests/reference/make-goldens.R      (needs r-cran-survival)
suppressPackageStartupMessages(library(survival))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- dirname(normalizePath(script))
out_path <- file.path(here, "..", "stats", "goldens-r.json")

jnum <- function(v) {
  ifelse(is.na(v) | is.nan(v), "null",
         ifelse(is.infinite(v), ifelse(v > 0, "1e999", "-1e999"),
                sprintf("%.17g", v)))
}
jarr <- function(v) paste0("[", paste(jnum(v), collapse = ","), "]")
jstr <- function(s) paste0("\"", s, "\"")
jobj <- function(...) {
  kv <- list(...)
  paste0("{", paste(sprintf("\"%s\":%s", names(kv), unlist(kv)), collapse = ","), "}")
}

km_json <- function(time, event) {
  f <- survfit(Surv(time, event) ~ 1)
  tab <- summary(f)$table
  jobj(time = jarr(f$time), n_risk = jarr(f$n.risk), n_event = jarr(f$n.event),
       n_censor = jarr(f$n.censor), surv = jarr(f$surv), std_err = jarr(f$std.err),
       lower = jarr(f$lower), upper = jarr(f$upper),
       median = jnum(tab[["median"]]), median_lower = jnum(tab[["0.95LCL"]]),
       median_upper = jnum(tab[["0.95UCL"]]), n = jnum(f$n), events = jnum(sum(f$n.event)))
}

surv_case <- function(name, time, event, group) {
  g <- factor(group)
  curves <- sapply(levels(g), function(l) km_json(time[g == l], event[g == l]))
  all_curve <- km_json(time, event)
  lr <- if (nlevels(g) >= 2) {
    sd <- survdiff(Surv(time, event) ~ g)
    df <- sum(sd$exp > 0) - 1
    jobj(chisq = jnum(sd$chisq), df = jnum(df),
         p = jnum(pchisq(sd$chisq, df, lower.tail = FALSE)),
         observed = jarr(sd$obs), expected = jarr(sd$exp))
  } else "null"
  x <- as.numeric(g) + seq_along(time) %% 3 * 0.5
  cc <- concordance(Surv(time, event) ~ x)
  jobj(name = jstr(name), time = jarr(time), event = jarr(event),
       group = jarr(as.numeric(g) - 1), all = all_curve,
       groups = paste0("[", paste(curves, collapse = ","), "]"),
       logrank = lr, x = jarr(x), concordance = jnum(cc$concordance),
       concordance_se = jnum(sqrt(cc$var)))
}

set.seed(20261128)
cases <- character()

# tied event times and censoring at event times
t1 <- c(5, 8, 8, 8, 12, 12, 15, 20, 20, 22, 30, 31, 31, 40, 41, 50, 52, 60, 61, 70)
e1 <- c(1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1, 0, 0)
g1 <- rep(c("a", "b"), 10)
cases <- c(cases, surv_case("tied-two-groups", t1, e1, g1))

# three groups, exponential times, random censoring
n <- 90
g3 <- rep(c(0, 1, 2), each = 30)
t3 <- round(rexp(n, rate = c(0.01, 0.02, 0.04)[g3 + 1]) + 1)
c3 <- round(runif(n, 20, 200))
e3 <- as.numeric(t3 <= c3)
t3 <- pmin(t3, c3)
cases <- c(cases, surv_case("three-groups", t3, e3, g3))

# a flat segment at exactly 0.5 (median is a midpoint)
cases <- c(cases, surv_case("flat-half", c(1, 2, 3, 4), c(1, 1, 1, 0), c(1, 1, 1, 1)))
# everyone censored
cases <- c(cases, surv_case("all-censored", c(3, 5, 7, 9, 11), c(0, 0, 0, 0, 0), c(0, 1, 0, 1, 0)))
# small: n < 5, last subject has the event (S reaches 0)
cases <- c(cases, surv_case("small-to-zero", c(2, 3, 3, 6), c(1, 0, 1, 1), c(0, 0, 1, 1)))
# four groups, many ties (integer months)
n <- 120
g4 <- sample(0:3, n, replace = TRUE)
t4 <- ceiling(rexp(n, rate = 0.05 * (1 + g4 / 2)))
e4 <- rbinom(n, 1, 0.75)
cases <- c(cases, surv_case("four-groups-ties", t4, e4, g4))

# Benjamini–Hochberg
bh <- character()
p1 <- c(0.01, 0.02, 0.03, 0.04, 0.05, 0.5, 0.001, 0.9, 0.02, 0.2)
bh <- c(bh, jobj(p = jarr(p1), q = jarr(p.adjust(p1, "BH"))))
p2 <- c(0.3, NA, 0.001, 0.04, NA, 0.04, 1.0, 0.0001)
bh <- c(bh, jobj(p = jarr(p2), q = jarr(p.adjust(p2, "BH"))))
p3 <- runif(200)^3
bh <- c(bh, jobj(p = jarr(p3), q = jarr(p.adjust(p3, "BH"))))

# Cox proportional hazards. Each case stores the data as the model matrix
# over all rows (NA rows included, NA = missing), the term of each column
# (0-based, R's "assign"), the strata as 0-based codes (-1 = missing), and
# what coxph / summary.coxph / cox.zph report.
jbool <- function(v) paste0("[", paste(ifelse(v, "true", "false"), collapse = ","), "]")
cox_case <- function(name, d, covs, strata = NULL) {
  rhs <- paste(covs, collapse = " + ")
  f <- as.formula(paste("Surv(time, event) ~", rhs,
                        if (!is.null(strata)) paste0("+ strata(", strata, ")") else ""))
  warn <- character()
  fit <- withCallingHandlers(coxph(f, data = d),
                             warning = function(w) {
                               warn <<- c(warn, conditionMessage(w))
                               invokeRestart("muffleWarning")
                             })
  s <- summary(fit)
  nvar <- length(coef(fit))
  infinite <- rep(FALSE, nvar)
  for (w in warn) {
    m <- regmatches(w, regexec("variable +([0-9, ]+);", w))[[1]]
    if (length(m) == 2)
      infinite[as.integer(strsplit(gsub(" ", "", m[2]), ",")[[1]])] <- TRUE
  }
  mf <- model.frame(as.formula(paste("~", rhs)), d, na.action = na.pass)
  mm <- model.matrix(as.formula(paste("~", rhs)), mf)
  assign <- attr(mm, "assign")[-1] - 1
  mm <- mm[, -1, drop = FALSE]
  cols <- paste0("[", paste(apply(mm, 2, jarr), collapse = ","), "]")
  st <- if (is.null(strata)) "null" else {
    v <- as.integer(factor(d[[strata]])) - 1
    jarr(ifelse(is.na(v), -1, v))
  }
  ctab <- s$coefficients
  zph <- tryCatch({
    z <- cox.zph(fit)$table
    k <- nrow(z)
    jobj(terms = paste0("[", paste(jstr(rownames(z)[-k]), collapse = ","), "]"),
         chisq = jarr(z[-k, "chisq"]), df = jarr(z[-k, "df"]), p = jarr(z[-k, "p"]),
         global_chisq = jnum(z[k, "chisq"]), global_df = jnum(z[k, "df"]), global_p = jnum(z[k, "p"]))
  }, error = function(e) "null")
  jobj(name = jstr(name), time = jarr(d$time), event = jarr(d$event), x = cols,
       columns = paste0("[", paste(jstr(colnames(mm)), collapse = ","), "]"),
       assign = jarr(assign), terms = paste0("[", paste(jstr(covs), collapse = ","), "]"), strata = st,
       n = jnum(fit$n), n_events = jnum(fit$nevent), iter = jnum(fit$iter),
       infinite = jbool(infinite), coef = jarr(coef(fit)), se = jarr(ctab[, "se(coef)"]),
       z = jarr(ctab[, "z"]), p = jarr(ctab[, "Pr(>|z|)"]),
       hr = jarr(s$conf.int[, "exp(coef)"]), lower = jarr(s$conf.int[, "lower .95"]),
       upper = jarr(s$conf.int[, "upper .95"]), means = jarr(fit$means),
       loglik = jarr(fit$loglik), lr_chisq = jnum(s$logtest[["test"]]),
       lr_df = jnum(s$logtest[["df"]]), lr_p = jnum(s$logtest[["pvalue"]]),
       concordance = jnum(s$concordance[["C"]]), concordance_se = jnum(s$concordance[["se(C)"]]),
       zph = zph)
}

cox <- character()
# integer times with many ties; a continuous and a 0/1 covariate
n <- 60
d <- data.frame(x = round(rnorm(n), 2), b = rbinom(n, 1, 0.4))
d$time <- ceiling(rexp(n, 0.08 * exp(0.5 * d$x + 0.7 * d$b)))
d$event <- rbinom(n, 1, 0.7)
cox <- c(cox, cox_case("ties", d, c("x", "b")))
# a categorical covariate (4 unbalanced levels, treatment-coded) and age
n <- 80
d <- data.frame(g = factor(sample(c("a", "b", "c", "d"), n, TRUE, prob = c(0.4, 0.3, 0.2, 0.1))),
                age = round(runif(n, 40, 85)))
d$time <- round(rexp(n, 0.01 * c(1, 1.6, 2.5, 0.7)[as.integer(d$g)] * exp(0.02 * (d$age - 60))), 1)
d$event <- rbinom(n, 1, 0.75)
cox <- c(cox, cox_case("categorical", d, c("age", "g")))
# three strata with different baselines
n <- 90
d <- data.frame(s = rep(c("p", "q", "r"), each = 30), x1 = rnorm(n), x2 = rnorm(n))
d$time <- ceiling(rexp(n, c(p = 0.02, q = 0.05, r = 0.1)[d$s] * exp(0.4 * d$x1 - 0.3 * d$x2)) * 3) / 3
d$event <- rbinom(n, 1, 0.8)
cox <- c(cox, cox_case("strata", d, c("x1", "x2"), strata = "s"))
# complete separation: everyone with z = 1 dies before anyone with z = 0
n <- 24
d <- data.frame(z = rep(c(1, 0), each = 12), x = round(rnorm(n), 2))
d$time <- c(sort(sample(1:40, 12)), sort(sample(50:100, 12)))
d$event <- c(rep(1, 12), rbinom(12, 1, 0.6))
cox <- c(cox, cox_case("separated", d, c("z", "x")))
# tiny: four patients, one covariate
d <- data.frame(time = c(2, 3, 3, 6), event = c(1, 0, 1, 1), x = c(0.5, 1.2, -0.3, 2.0))
cox <- c(cox, cox_case("tiny", d, "x"))
# missing values in a covariate, the factor and the stratum
n <- 70
d <- data.frame(x = rnorm(n), g = factor(sample(c("lo", "mid", "hi"), n, TRUE)),
                s = sample(c("u", "v"), n, TRUE))
d$time <- round(rexp(n, 0.05 * exp(0.3 * d$x)), 1) + 0.1
d$event <- rbinom(n, 1, 0.7)
d$x[c(3, 17, 40)] <- NA
d$g[c(5, 41)] <- NA
d$s[c(9)] <- NA
cox <- c(cox, cox_case("missing", d, c("x", "g"), strata = "s"))
# an aliased column: x3 = x1 + x2
n <- 50
d <- data.frame(x1 = round(rnorm(n), 3), x2 = round(rnorm(n), 3))
d$x3 <- d$x1 + d$x2
d$time <- round(rexp(n, 0.1 * exp(0.5 * d$x1)), 2) + 0.01
d$event <- rbinom(n, 1, 0.8)
cox <- c(cox, cox_case("aliased", d, c("x1", "x2", "x3")))
# five covariates on different scales, continuous times, random censoring
n <- 300
d <- data.frame(v1 = rnorm(n, 50, 10), v2 = rexp(n, 1 / 3000), v3 = rbinom(n, 1, 0.3),
                v4 = runif(n, -1, 1), v5 = rnorm(n))
lin <- 0.03 * (d$v1 - 50) + 0.0001 * d$v2 + 0.6 * d$v3 - 0.5 * d$v4
t <- rexp(n, 0.002 * exp(lin))
cens <- runif(n, 100, 1500)
d$time <- pmin(t, cens)
d$event <- as.numeric(t <= cens)
cox <- c(cox, cox_case("five", d, c("v1", "v2", "v3", "v4", "v5")))
# hazards that are not proportional (a Weibull shape 3 group against an
# exponential one) and a covariate that is
n <- 160
d <- data.frame(grp = rep(c("exp", "weib"), each = 80), w = rnorm(n))
d$time <- ifelse(d$grp == "exp", rexp(n, 0.01), 100 * rweibull(n, 3, 1)) * exp(-0.3 * d$w)
d$event <- rbinom(n, 1, 0.85)
cox <- c(cox, cox_case("nonproportional", d, c("grp", "w")))

# Lung1: survival by Overall.Stage
lung1 <- "null"
shared <- Sys.getenv("CS_SHARED_DATA", file.path(here, "..", "..", "..", "shared", "data"))
clin_path <- file.path(shared, "lung1", "NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv")
if (file.exists(clin_path)) {
  cl <- read.csv(clin_path, na.strings = "NA", stringsAsFactors = FALSE)
  cl <- cl[!is.na(cl$Overall.Stage) & !is.na(cl$Survival.time), ]
  st <- factor(cl$Overall.Stage)
  curves <- sapply(levels(st), function(l) {
    sub <- cl[st == l, ]
    f <- survfit(Surv(Survival.time, deadstatus.event) ~ 1, data = sub)
    tab <- summary(f)$table
    jobj(label = jstr(l), n = jnum(f$n), events = jnum(sum(f$n.event)),
         median = jnum(tab[["median"]]), median_lower = jnum(tab[["0.95LCL"]]),
         median_upper = jnum(tab[["0.95UCL"]]), n_points = jnum(length(f$time)),
         surv_last = jnum(f$surv[length(f$surv)]),
         std_err_sum = jnum(sum(f$std.err[is.finite(f$std.err)])))
  })
  sd <- survdiff(Surv(Survival.time, deadstatus.event) ~ Overall.Stage, data = cl)
  df <- sum(sd$exp > 0) - 1
  lung1 <- jobj(n = jnum(nrow(cl)),
                groups = paste0("[", paste(curves, collapse = ","), "]"),
                logrank = jobj(chisq = jnum(sd$chisq), df = jnum(df),
                               p = jnum(pchisq(sd$chisq, df, lower.tail = FALSE))))
} else {
  message("make-goldens.R: Lung1 data not found, Lung1 goldens left out")
}

json <- paste0("{\n\"generator\":\"tests/reference/make-goldens.R\",\n",
               "\"r\":", jstr(paste(R.version$major, R.version$minor, sep = ".")), ",\n",
               "\"survival\":", jstr(as.character(packageVersion("survival"))), ",\n",
               "\"cases\":[\n", paste(cases, collapse = ",\n"), "\n],\n",
               "\"bh\":[\n", paste(bh, collapse = ",\n"), "\n],\n",
               "\"cox\":[\n", paste(cox, collapse = ",\n"), "\n],\n",
               "\"lung1\":", lung1, "\n}\n")
writeLines(json, out_path, sep = "")
