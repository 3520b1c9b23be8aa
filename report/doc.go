// Package report turns person_week rows into what people read: aggregated
// group summaries for HR analysts (SPEC §5 benchmark comparison, §6 groups
// and privacy), the analyst's pseudonymized person_week CSV export, and a
// self-contained HTML organization summary.
//
// It also writes the reports of the three audiences:
//   - HRReport (NewHRReport): the HR analyst's weekly batch, with a
//     data-validation section, groups side by side, trend, after-hours and
//     meeting hygiene; WriteHRHTML and WriteHRWorkbook (XLSX).
//   - TeamReport (NewTeamReport): a manager's team as one group, with the
//     drivers of its load (series, large meetings, organizer roles) from
//     analysis.Meetings; WriteTeamHTML and WriteTeamMarkdown.
//   - PersonalReport (NewPersonalReport): an employee's own focus report;
//     WritePersonalHTML and WritePersonalText.
//
// Classify sorts meetings into coordination and collaboration from their
// shape alone (ClassificationRule says how, and every report prints it).
//
// Group figures follow the vivainsights convention: each person's mean over
// the selected weeks first, then the group's mean, median and 90th
// percentile of those person means. Percentiles use linear interpolation
// between order statistics (R's quantile type 7, the R and NumPy default,
// which vivainsights uses): for sorted x[0..n-1] and probability p,
// h = (n−1)·p and Q(p) = x[⌊h⌋] + (h−⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
//
// Privacy (SPEC §6): a group is shown only when it has at least
// analysis.Config.MinGroupSize distinct people, and hidden groups are
// protected from derivation by subtraction (see Summarize). Aggregated
// reports never show an individual's row; only WritePersonWeekCSV, the
// analyst's pseudonymized export, writes person-level rows.
//
// Writers follow one shape: WriteX(w io.Writer, …) error. HTML templates are
// embedded (embed.FS) and use html/template; charts are inline SVG, and
// nothing in the HTML loads from the network.
package report
