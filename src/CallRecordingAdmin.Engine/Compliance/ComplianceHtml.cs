using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;

namespace CallRecordingAdmin.Engine.Compliance
{
    /// <summary>
    /// The report as one self-contained HTML page for a Director of IT Services: a summary by clause, small charts
    /// drawn as inline SVG, and the findings table. No scripts, fonts, images or style sheets are fetched. The page
    /// stays small whatever the store's size: the charts draw aggregates and the table shows at most
    /// <see cref="MaxRows"/> findings (the page says how many there are in all; -Format Csv gives every one).
    /// </summary>
    internal static class ComplianceHtml
    {
        public const int MaxRows = 500;
        private const int MaxSeries = 7;
        private const int MaxMonths = 24;
        private static readonly string[] Palette = { "#1f5f8b", "#e07b39", "#3a9a5b", "#b8403a", "#7d5ba6", "#c9a227", "#4aa3a3", "#8c8c8c" };

        internal sealed class Context
        {
            public string StorePath, StoreId, Identity, Areas;
            public DateTimeOffset AsOf, GeneratedAt;
        }

        private static string H(string s) => WebUtility.HtmlEncode(s ?? "");
        private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        private static string F(double d) => d.ToString("0.#", CultureInfo.InvariantCulture);

        public static void Write(Stream stream, IReadOnlyList<ComplianceFinding> findings, ComplianceCharts charts, Context ctx)
        {
            var sb = new StringBuilder(64 * 1024);
            var asOf = ctx.AsOf.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
            sb.Append("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            sb.Append("<title>Call recording compliance report, ").Append(H(asOf)).Append("</title>\n<style>\n");
            sb.Append(@"body{font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1b1b;line-height:1.4}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #1f5f8b;padding-bottom:.2rem}
.meta{color:#555;font-size:.9rem}.verdict{font-size:1.1rem;padding:.6rem 1rem;border-radius:6px;margin:1rem 0}
.verdict.ok{background:#e3f4e8;border:1px solid #3a9a5b}.verdict.bad{background:#fbe9e7;border:1px solid #b8403a}
table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{border:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f3f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
.sev-High{color:#fff;background:#b8403a;font-weight:600}.sev-Medium{background:#f6d58e}.sev-Low{background:#e8eef4}
code{font-family:Consolas,'DejaVu Sans Mono',monospace;font-size:.82rem;white-space:pre-wrap;word-break:break-word}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}.chart{flex:1 1 320px;max-width:520px;margin:0}.chart h3{font-size:1rem;margin:.5rem 0}.chart svg{display:block;width:100%;height:auto}
.legend{font-size:.8rem}.legend span{display:inline-block;margin-right:.8rem}.legend i{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.note{color:#555;font-size:.85rem}
");
            sb.Append("</style>\n</head>\n<body>\n");
            sb.Append("<h1>Call recording compliance report</h1>\n");
            sb.Append("<p class=\"meta\">As of <time datetime=\"").Append(H(ctx.AsOf.UtcDateTime.ToString("o", CultureInfo.InvariantCulture))).Append("\">").Append(H(asOf)).Append("</time>")
              .Append(" &middot; store ").Append(H(ctx.StoreId)).Append(" at ").Append(H(ctx.StorePath))
              .Append(" &middot; run by ").Append(H(ctx.Identity))
              .Append(ctx.Areas == null ? "" : " &middot; service areas: " + H(ctx.Areas)).Append("</p>\n");
            var high = findings.Count(f => f.Severity == ComplianceSeverity.High);
            if (findings.Count == 0)
            {
                sb.Append("<p class=\"verdict ok\" id=\"verdict\">No findings: the store meets every check of the Call Recording Policy that this report makes.</p>\n");
            }
            else
            {
                sb.Append("<p class=\"verdict bad\" id=\"verdict\">").Append(N(findings.Count)).Append(" finding(s), ").Append(N(high)).Append(" of them high severity.</p>\n");
            }

            // Summary by clause.
            sb.Append("<h2>Summary by clause</h2>\n<table id=\"summary\">\n<thead><tr><th>Clause</th><th>Subject</th><th>High</th><th>Medium</th><th>Low</th><th>Total</th></tr></thead>\n<tbody>\n");
            var clauses = ComplianceClauses.All.Select(c => c.Clause).ToList();
            foreach (var extra in findings.Select(f => f.Clause).Distinct().Where(c => !clauses.Contains(c))) clauses.Add(extra);
            foreach (var clause in clauses)
            {
                var title = ComplianceClauses.All.Where(c => c.Clause == clause).Select(c => c.Title).FirstOrDefault() ?? "";
                var of = findings.Where(f => f.Clause == clause).ToList();
                sb.Append("<tr data-clause=\"").Append(H(clause)).Append("\"><td>").Append(H(clause)).Append("</td><td>").Append(H(title)).Append("</td>");
                foreach (ComplianceSeverity s in new[] { ComplianceSeverity.High, ComplianceSeverity.Medium, ComplianceSeverity.Low })
                {
                    sb.Append("<td class=\"num\" data-severity=\"").Append(s).Append("\">").Append(of.Count(f => f.Severity == s)).Append("</td>");
                }
                sb.Append("<td class=\"num total\">").Append(of.Count).Append("</td></tr>\n");
            }
            sb.Append("</tbody>\n<tfoot><tr><th colspan=\"2\">All clauses</th>");
            foreach (ComplianceSeverity s in new[] { ComplianceSeverity.High, ComplianceSeverity.Medium, ComplianceSeverity.Low })
            {
                sb.Append("<td class=\"num\">").Append(findings.Count(f => f.Severity == s)).Append("</td>");
            }
            sb.Append("<td class=\"num\" id=\"total\">").Append(findings.Count).Append("</td></tr></tfoot>\n</table>\n");

            // Charts.
            sb.Append("<h2>The store at a glance</h2>\n<div class=\"charts\">\n");
            ExpiryChart(sb, charts);
            PurposeChart(sb, charts, ctx.AsOf);
            ReviewChart(sb, charts);
            sb.Append("</div>\n");

            // Findings.
            sb.Append("<h2>Findings</h2>\n");
            if (findings.Count > MaxRows)
            {
                sb.Append("<p class=\"note\" id=\"capped\">The table shows the first ").Append(MaxRows).Append(" of ").Append(N(findings.Count))
                  .Append(" findings, most severe first within each clause; Export-ComplianceReport -Format Csv lists every one.</p>\n");
            }
            sb.Append("<table id=\"findings\">\n<thead><tr><th>Clause</th><th>Severity</th><th>Service area</th><th>Subject</th><th>Finding</th><th>Remedy</th></tr></thead>\n<tbody>\n");
            foreach (var f in findings.Take(MaxRows))
            {
                sb.Append("<tr data-rule=\"").Append(H(f.Rule)).Append("\"><td>").Append(H(f.Clause)).Append("</td><td class=\"sev-").Append(f.Severity).Append("\">").Append(f.Severity)
                  .Append("</td><td>").Append(H(f.ServiceArea)).Append("</td><td>").Append(H(f.Subject)).Append("</td><td>").Append(H(f.Finding))
                  .Append("</td><td><code>").Append(H(f.Remedy)).Append("</code></td></tr>\n");
            }
            if (findings.Count == 0) sb.Append("<tr><td colspan=\"6\">None.</td></tr>\n");
            sb.Append("</tbody>\n</table>\n");
            sb.Append("<p class=\"note\">Generated ").Append(H(ctx.GeneratedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(" UTC by Export-ComplianceReport (CallRecordingAdmin). ")
              .Append("Each finding comes from the same rule the module enforces; an empty report means every check passed.</p>\n</body>\n</html>\n");
            var bytes = new UTF8Encoding(false).GetBytes(sb.ToString());
            stream.Write(bytes, 0, bytes.Length);
        }

        private static void ExpiryChart(StringBuilder sb, ComplianceCharts charts)
        {
            var rows = charts.RecordingsByExpiryMonth;
            var months = rows.Select(r => r.Month).Distinct().OrderBy(m => m, StringComparer.Ordinal).ToList();
            string Bucket(string m) => months.Count > MaxMonths && string.CompareOrdinal(m, months[months.Count - MaxMonths]) < 0 ? "earlier" : m;
            var categories = months.Select(Bucket).Distinct().OrderBy(m => m == "earlier" ? "" : m, StringComparer.Ordinal).ToList();
            var top = rows.GroupBy(r => r.Area).OrderByDescending(g => g.Sum(r => r.Count)).Select(g => g.Key).Take(MaxSeries).ToList();
            var series = top.Concat(rows.Any(r => !top.Contains(r.Area)) ? new[] { "other areas" } : new string[0]).ToList();
            var values = series.ToDictionary(s => s, s => categories.ToDictionary(c => c, c => 0L));
            foreach (var r in rows) values[top.Contains(r.Area) ? r.Area : "other areas"][Bucket(r.Month)] += r.Count;
            Chart(sb, "chart-expiry", "Recordings by expiry month, per area", "recordings still in the store, by the month their retention ends", categories, series, values);
        }

        private static void PurposeChart(StringBuilder sb, ComplianceCharts charts, DateTimeOffset asOf)
        {
            var first = new DateTime(asOf.UtcDateTime.Year, asOf.UtcDateTime.Month, 1).AddMonths(-11);
            var categories = Enumerable.Range(0, 12).Select(i => first.AddMonths(i).ToString("yyyy-MM", CultureInfo.InvariantCulture)).ToList();
            var top = charts.AccessByPurpose.GroupBy(r => r.Purpose).OrderByDescending(g => g.Sum(r => r.Count)).Select(g => g.Key).Take(MaxSeries).ToList();
            var series = top.Concat(charts.AccessByPurpose.Any(r => !top.Contains(r.Purpose)) ? new[] { "other purposes" } : new string[0]).ToList();
            var values = series.ToDictionary(s => s, s => categories.ToDictionary(c => c, c => 0L));
            foreach (var r in charts.AccessByPurpose)
            {
                if (!categories.Contains(r.Month)) continue;
                values[top.Contains(r.Purpose) ? r.Purpose : "other purposes"][r.Month] += r.Count;
            }
            Chart(sb, "chart-access", "Access to recordings by purpose, last 12 months", "allowed accesses in the access log, by month and stated purpose", categories, series, values);
        }

        private static void ReviewChart(StringBuilder sb, ComplianceCharts charts)
        {
            var byMonth = charts.GrantsByReviewMonth.GroupBy(r => r.Month).ToDictionary(g => g.Key, g => g.Sum(r => r.Count));
            var months = byMonth.Keys.OrderBy(m => m, StringComparer.Ordinal).ToList();
            string Bucket(string m) => months.Count > MaxMonths && string.CompareOrdinal(m, months[months.Count - MaxMonths]) < 0 ? "earlier" : m;
            var categories = months.Select(Bucket).Distinct().OrderBy(m => m == "earlier" ? "" : m, StringComparer.Ordinal).ToList();
            var values = new Dictionary<string, Dictionary<string, long>> { ["grants"] = categories.ToDictionary(c => c, c => 0L) };
            foreach (var kv in byMonth) values["grants"][Bucket(kv.Key)] += kv.Value;
            Chart(sb, "chart-reviews", "Access grants by review due date", "unrevoked nominations, by the month their annual review falls due", categories, new List<string> { "grants" }, values);
        }

        /// <summary>A stacked bar chart as inline SVG, with a legend and a text alternative.</summary>
        private static void Chart(StringBuilder sb, string id, string title, string description, IReadOnlyList<string> categories, IReadOnlyList<string> series, Dictionary<string, Dictionary<string, long>> values)
        {
            sb.Append("<figure class=\"chart\" id=\"").Append(id).Append("\">\n<h3>").Append(H(title)).Append("</h3>\n");
            if (categories.Count == 0)
            {
                sb.Append("<p class=\"note\">Nothing to show.</p>\n</figure>\n");
                return;
            }
            const double width = 520, height = 220, left = 48, bottom = 48, top = 10, right = 8;
            var totals = categories.Select(c => series.Sum(s => values[s][c])).ToList();
            var max = Math.Max(1, totals.Max());
            var scale = max < 4 ? 4 : NiceMax(max);
            var plotW = width - left - right; var plotH = height - top - bottom;
            var slot = plotW / categories.Count;
            var barW = Math.Min(slot, 60);
            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").Append(F(width)).Append(' ').Append(F(height)).Append("\" role=\"img\" aria-labelledby=\"")
              .Append(id).Append("-t\"><title id=\"").Append(id).Append("-t\">").Append(H(title + ": " + description)).Append("</title>\n");
            for (var i = 0; i <= 4; i++)
            {
                var v = scale * i / 4; var y = top + plotH - plotH * i / 4;
                sb.Append("<line x1=\"").Append(F(left)).Append("\" x2=\"").Append(F(width - right)).Append("\" y1=\"").Append(F(y)).Append("\" y2=\"").Append(F(y)).Append("\" stroke=\"#e2e2e2\"/>");
                sb.Append("<text x=\"").Append(F(left - 4)).Append("\" y=\"").Append(F(y + 3)).Append("\" font-size=\"9\" text-anchor=\"end\" fill=\"#555\">").Append(v.ToString("#,0.#", CultureInfo.InvariantCulture)).Append("</text>\n");
            }
            for (var ci = 0; ci < categories.Count; ci++)
            {
                var c = categories[ci];
                double stacked = 0;
                var x = left + ci * slot + (slot - barW) / 2 + barW * 0.1;
                for (var si = 0; si < series.Count; si++)
                {
                    var v = values[series[si]][c];
                    if (v == 0) continue;
                    var h = plotH * v / scale;
                    var y = top + plotH - plotH * stacked / scale - h;
                    sb.Append("<rect x=\"").Append(F(x)).Append("\" y=\"").Append(F(y)).Append("\" width=\"").Append(F(barW * 0.8)).Append("\" height=\"").Append(F(Math.Max(h, 0.5)))
                      .Append("\" fill=\"").Append(Palette[si % Palette.Length]).Append("\"><title>").Append(H(c + ", " + series[si] + ": " + N(v))).Append("</title></rect>");
                    stacked += v;
                }
                var lx = left + ci * slot + slot / 2;
                sb.Append("<text x=\"").Append(F(lx)).Append("\" y=\"").Append(F(height - bottom + 12)).Append("\" font-size=\"8\" text-anchor=\"end\" fill=\"#333\" transform=\"rotate(-45 ")
                  .Append(F(lx)).Append(' ').Append(F(height - bottom + 12)).Append(")\">").Append(H(c)).Append("</text>\n");
            }
            sb.Append("</svg>\n<figcaption class=\"legend\">");
            for (var si = 0; si < series.Count; si++)
            {
                sb.Append("<span><i style=\"background:").Append(Palette[si % Palette.Length]).Append("\"></i>").Append(H(series[si])).Append(" (").Append(N(categories.Sum(c => values[series[si]][c]))).Append(")</span>");
            }
            sb.Append("<br><span class=\"note\">").Append(H(description)).Append("</span></figcaption>\n</figure>\n");
        }

        private static double NiceMax(long max)
        {
            var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
            foreach (var step in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
            {
                if (step * magnitude >= max) return step * magnitude;
            }
            return 10 * magnitude;
        }
    }
}
