/*
 * breachkit.h - the public interface of libbreachkit, one include for all.
 *
 * Installed as <breachkit/breachkit.h>; pkg-config --cflags breachkit points
 * the compiler at the directory above it. Modules: input (open, decompress),
 * lines (split), charset (decode to UTF-8), fileset (paths in reading order),
 * state (incremental reading), record (NDJSON), normalize (fold look-alikes),
 * validate (check digits and ranges), rules (personal-data rule files),
 * privacy (masking, keyed hashes), scan (find personal data in lines),
 * summary (per-file counts), valueset (baselines and allow lists), event
 * (log formats parsed into events), export (rows of CSV, SQL dumps, NDJSON),
 * inventory (personal-data columns and distinct subjects of exports), sketch
 * (distinct counts), alert (the detectors' verdicts), pipeline (one input's
 * lines over several threads, in order), report (the incident picture in
 * text, JSON, HTML), detectconf (detector settings), baseline (robust
 * per-entity statistics), exfil (beacons, DNS features, archives,
 * allow-lists and the bk-exfil detectors), access (bulk-access detectors).
 */
#ifndef BK_BREACHKIT_H
#define BK_BREACHKIT_H

#include "base.h"
#include "input.h"
#include "lines.h"
#include "charset.h"
#include "fileset.h"
#include "state.h"
#include "record.h"
#include "normalize.h"
#include "validate.h"
#include "rules.h"
#include "privacy.h"
#include "scan.h"
#include "summary.h"
#include "valueset.h"
#include "sketch.h"
#include "alert.h"
#include "pipeline.h"
#include "report.h"
#include "event.h"
#include "event-json.h"
#include "export.h"
#include "inventory.h"
#include "exfil.h"
#include "detectconf.h"
#include "baseline.h"
#include "access.h"

#endif /* BK_BREACHKIT_H */
