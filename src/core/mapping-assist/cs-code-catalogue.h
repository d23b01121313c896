/* cs-code-catalogue.h: the codes the mapping editor offers
 *
 * A small catalogue of the FHIR codes Cohortscope's mappings use (mCODE's
 * SNOMED CT codes for staging, LOINC, ICD-O-3 morphologies, observation
 * categories, UCUM units, IBSI), read from data/mapping/codes.tsv (compiled
 * into the library). The editor's code picker searches it; the mapping
 * suggestions take their codes from it (docs/MAPPING-EDITOR.md).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A FHIR Coding as the editor handles it: system and display may be NULL. */
typedef struct
{
  char *system;
  char *code;
  char *display;
} CsCoding;

void      cs_coding_clear  (CsCoding    *coding);
/* Reads a typed coding: "system|code|display", "system|code" or "code"
 * (spaces around the parts are ignored; the display may contain "|").
 * Fails, with a message saying what is missing, when there is no code. */
gboolean  cs_coding_parse  (const char  *text,
                            CsCoding    *out,
                            GError     **error);
/* "system|code|display" (the parts there are) */
char     *cs_coding_format (const CsCoding *coding);

typedef struct
{
  const char         *system;
  const char         *code;
  const char         *display;
  const char         *group;    /* "t-value", "histology", "observation", … */
  const char         *use;      /* what it is for, in words */
  const char * const *values;   /* local spellings that mean it (lowercase), NULL-terminated */
} CsCatalogueCode;

typedef struct _CsCodeCatalogue CsCodeCatalogue;

/* The built-in catalogue (data/mapping/codes.tsv), read once; never freed. */
CsCodeCatalogue       *cs_code_catalogue_get_default  (void);
/* A catalogue from TSV text in codes.tsv's format. Errors name the line. */
CsCodeCatalogue       *cs_code_catalogue_new_from_data (const char             *data,
                                                        gsize                   length,
                                                        const char             *name,
                                                        GError                **error);
void                   cs_code_catalogue_free         (CsCodeCatalogue        *self);
guint                  cs_code_catalogue_get_n_codes  (const CsCodeCatalogue  *self);
const CsCatalogueCode *cs_code_catalogue_get_code     (const CsCodeCatalogue  *self,
                                                       guint                   index);
const CsCatalogueCode *cs_code_catalogue_lookup       (const CsCodeCatalogue  *self,
                                                       const char             *system,
                                                       const char             *code);
/* The codes of a group, in catalogue order (const CsCatalogueCode *). */
GPtrArray             *cs_code_catalogue_get_group    (const CsCodeCatalogue  *self,
                                                       const char             *group);
/* The code of a group one of whose values is value (already normalised), or NULL. */
const CsCatalogueCode *cs_code_catalogue_find_value   (const CsCodeCatalogue  *self,
                                                       const char             *group,
                                                       const char             *value);
/* Codes whose code, display, system or use contain every word of query,
 * ignoring case and accents ("lymph", "T2", "snomed 3999", "Hounsfield").
 * Best first: the exact code, codes starting with the query, displays with
 * a word starting with it, then the rest in catalogue order. An empty
 * query gives every code. (const CsCatalogueCode *, owned by the catalogue) */
GPtrArray             *cs_code_catalogue_search       (const CsCodeCatalogue  *self,
                                                       const char             *query);
/* Lowercase, accents removed: how search compares (for tests and callers). */
char                  *cs_code_catalogue_fold         (const char             *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsCodeCatalogue, cs_code_catalogue_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsCoding, cs_coding_clear)

G_END_DECLS
