# report: review artefacts of a recorded session, the HTML report (`cutover
# report`) and the asciicast export (`cutover export`).
libcutover_a_SOURCES += report/series.c report/series.h report/html.c report/html.h \
	report/collect.c report/collect.h report/chart.c report/chart.h \
	report/page.c report/page.h report/page_css.h report/asciicast.c report/asciicast.h

if HAVE_CHECK
check_PROGRAMS += tests/unit/test_report
TESTS += tests/unit/test_report
endif

TESTS += tests/integration/report_lab.sh tests/integration/export_asciicast.sh
EXTRA_DIST += tests/integration/report_lab.sh tests/integration/export_asciicast.sh
