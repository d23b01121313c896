#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# convert.sh DATA_DIR OUT_DIR [--format ndjson|transaction|batch]
#
# Maps TCIA's NSCLC-Radiomics (Lung1) tables to FHIR R4 with lung1.json, for a
# folder laid out like Cohortscope's shared test data:
#   DATA_DIR/lung1/NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv   (or)
#   DATA_DIR/lung1/Lung1.clinical.csv                                     (the older release)
#   DATA_DIR/lung1/nsclc-radiomics_dicom_uids.csv                         (optional)
#   DATA_DIR/radiomics/filipjb-lung1/lung1_{firstorder,shape,GLCM,GLRLM,HLH_GLRLM}.csv (optional)
#   DATA_DIR/radiomics/ibsi/featuresDict_IBSIv7.tsv                       (optional: IBSI codes)
# and writes OUT_DIR/lung1.ndjson (or lung1.json, a Bundle) and
# OUT_DIR/lung1-problems.csv. Columns are bound by their header names, so
# reordered or extra columns do not matter. Runs
# ${COHORTSCOPE_CLI:-cohortscope-cli}; exits with its status.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
me=$(basename "$0")
cli=${COHORTSCOPE_CLI:-cohortscope-cli}

usage() {
  echo "usage: $me DATA_DIR OUT_DIR [--format ndjson|transaction|batch]" >&2
  exit 2
}

[ $# -ge 2 ] || usage
data=$1
out=$2
shift 2
format=ndjson
while [ $# -gt 0 ]; do
  case $1 in
    --format) [ $# -ge 2 ] || usage; format=$2; shift 2 ;;
    --format=*) format=${1#--format=}; shift ;;
    *) usage ;;
  esac
done
case $format in
  ndjson) output=$out/lung1.ndjson ;;
  transaction|batch) output=$out/lung1.json ;;
  *) usage ;;
esac

[ -d "$data" ] || { echo "$me: $data is not a folder" >&2; exit 2; }
mkdir -p "$out"

# The clinical table: TCIA's version 3 (LF, bare NA) or the older release
# (CRLF, every field quoted); the same columns.
v3=$data/lung1/NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv
old=$data/lung1/Lung1.clinical.csv
if [ -f "$v3" ] && [ -f "$old" ]; then
  echo "$me: both releases of the clinical table are present; using version 3 (Oct 2019), whose survival data were updated" >&2
  clinical=$v3
elif [ -f "$v3" ]; then
  clinical=$v3
elif [ -f "$old" ]; then
  clinical=$old
else
  echo "$me: no clinical table in $data/lung1 (NSCLC-Radiomics-Lung1.clinical-version3-Oct-2019.csv or Lung1.clinical.csv)" >&2
  exit 1
fi

set -- --mapping "$here/lung1.json" --input "clinical=$clinical"

dicom=$data/lung1/nsclc-radiomics_dicom_uids.csv
if [ -f "$dicom" ]; then
  set -- "$@" --input "dicom=$dicom"
else
  echo "$me: no DICOM UID table ($dicom): no ImagingStudy resources" >&2
fi

# pyradiomics features, one table per feature class (bare feature names)
features=$data/radiomics/filipjb-lung1
n_features=0
for pair in firstorder:lung1_firstorder.csv shape:lung1_shape.csv glcm:lung1_GLCM.csv \
            glrlm:lung1_GLRLM.csv hlh-glrlm:lung1_HLH_GLRLM.csv; do
  role=${pair%%:*}
  file=$features/${pair#*:}
  if [ -f "$file" ]; then
    set -- "$@" --input "$role=$file"
    n_features=$((n_features + 1))
  fi
done
if [ "$n_features" -eq 0 ]; then
  echo "$me: no pyradiomics feature tables in $features: no radiomics Observations" >&2
fi
ibsi=$data/radiomics/ibsi/featuresDict_IBSIv7.tsv
if [ "$n_features" -gt 0 ] && [ -f "$ibsi" ]; then
  set -- "$@" --ibsi "$ibsi"
elif [ "$n_features" -gt 0 ]; then
  echo "$me: no IBSI dictionary ($ibsi): features get their pyradiomics codes only" >&2
fi

exec "$cli" map "$@" -o "$output" --format "$format" --report "$out/lung1-problems.csv"
