/* The report page's style sheet, inline in every page. */
#ifndef CUTOVER_REPORT_PAGE_CSS_H
#define CUTOVER_REPORT_PAGE_CSS_H

#define PAGE_CSS                                                                                   \
    ":root{--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f8fafc;--ok:#15803d;"                \
    "--bad:#b91c1c;--warn:#b45309;--down:rgba(220,38,38,.10)}\n"                                   \
    "*{box-sizing:border-box}\n"                                                                   \
    "body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"  \
    "'Segoe UI',Roboto,'DejaVu Sans',sans-serif}\n"                                                \
    "main{max-width:1180px;margin:0 auto;padding:28px 32px 60px}\n"                                \
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:34px 0 10px;padding-bottom:6px;"    \
    "border-bottom:2px solid var(--line)}h3{font-size:15px;margin:22px 0 4px}\n"                   \
    ".sub{color:var(--muted);margin:0 0 18px}\n"                                                   \
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:0;"            \
    "background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 18px}\n"          \
    "dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;font-family:ui-monospace,'DejaVu Sans "     \
    "Mono',monospace;font-size:13px;word-break:break-all}\n"                                       \
    ".cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px;margin:16px 0}\n"            \
    ".card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:12px 14px}\n"    \
    ".card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n"  \
    ".card .v{font-size:20px;font-weight:600;margin-top:2px}\n"                                    \
    ".card .d{color:var(--muted);font-size:12px}\n"                                                \
    ".ok{color:var(--ok)}.bad{color:var(--bad)}.warn{color:var(--warn)}.muted{color:var(--muted)}" \
    "\n"                                                                                           \
    ".box{border-radius:8px;padding:12px 16px;margin:14px 0;border:2px solid;font-weight:600}\n"   \
    ".box.ok{border-color:var(--ok);background:#f0fdf4}.box.bad{border-color:var(--bad);"          \
    "background:#fef2f2}.box.warn{border-color:var(--warn);background:#fffbeb}"                    \
    ".box .d{font-weight:400;color:var(--ink);font-size:13px;margin-top:2px}\n"                    \
    "table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);"      \
    "font-size:13px}\n"                                                                            \
    "th,td{text-align:left;padding:5px 9px;border-bottom:1px solid "                               \
    "var(--line);vertical-align:top;"                                                              \
    "overflow-wrap:anywhere"                                                                       \
    "}th{background:#f1f5f9;font-weight:600;white-space:nowrap}\n"                                 \
    "td.t{font-family:ui-monospace,'DejaVu Sans Mono',monospace;white-space:nowrap;font-size:12px" \
    "}td.n{text-align:right;white-space:nowrap}td.id,.id{white-space:nowrap}tr.down "              \
    "td{background:#fef2f2}tr.point td{border-top:2px solid #f59e0b;background:#fffbeb}\n"         \
    ".state{display:inline-block;white-space:nowrap;padding:0 "                                    \
    "7px;border-radius:9px;font-size:12px;font-weight:600;"                                        \
    "background:#e5e7eb}.state.done{background:#dcfce7;color:#166534}.state.failed{background:"    \
    "#fee2e2;color:#991b1b}.state.rolled-back,.state.rolling-back{background:#ffedd5;color:"       \
    "#9a3412}\n"                                                                                   \
    ".legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:13px;margin:2px 0 6px}"            \
    ".legend i{display:inline-block;width:18px;height:3px;vertical-align:middle;margin-right:6px}" \
    ".legend .dt{width:14px;height:10px;background:var(--down);border:1px solid #fca5a5}\n"        \
    "svg{display:block;max-width:100%;height:auto;background:#fff;border:1px solid var(--line);"   \
    "border-radius:6px}\n"                                                                         \
    "svg text{font:11px system-ui,'DejaVu Sans',sans-serif;fill:#374151}\n"                        \
    "svg .plot{fill:#fff;stroke:#d1d5db}svg .grid{stroke:#eef0f3}svg .tick{fill:#6b7280}\n"        \
    "svg .unit{fill:#6b7280;font-size:12px}svg .series{fill:none;stroke-width:1.4;"                \
    "stroke-linejoin:round}\n"                                                                     \
    "svg .downtime{fill:var(--down);stroke:#fca5a5;stroke-dasharray:3 2}svg .downtime-label{"      \
    "fill:#b91c1c;font-weight:600}\n"                                                              \
    "svg .step line{stroke:#4b5563;stroke-dasharray:4 3}svg .step text{fill:#111827;"              \
    "font-weight:600}\n"                                                                           \
    "svg .step.failed line{stroke:#dc2626}svg .step.failed text{fill:#b91c1c}"                     \
    "svg .step.rolled line{stroke:#ea580c}svg .step.rolled text{fill:#c2410c}\n"                   \
    "svg .bar.done{fill:#22c55e}svg .bar.failed{fill:#ef4444}svg .bar.other{fill:#9ca3af}"         \
    "svg .bar.rollback{fill:#fb923c}svg .bar.running{fill:#60a5fa}\n"                              \
    ".note{white-space:pre-wrap}.more{color:var(--muted);font-style:italic;margin:4px 0}\n"        \
    "footer{margin-top:40px;color:var(--muted);font-size:12px}\n"                                  \
    "@media print{body{background:#fff}main{padding:0}}\n"

#endif
