#!/usr/bin/env Rscript
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes tests/stats/goldens-r.json: deterministic survival data sets and
# what R computes for them: survfit (KM, Greenwood, log CI, median),
# survdiff (log-rank), concordance (Harrell's C) and p.adjust(method = "BH"),
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
               "\"lung1\":", lung1, "\n}\n")
writeLines(json, out_path, sep = "")
