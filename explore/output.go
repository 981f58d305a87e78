package explore

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Files WriteOutputs writes into the results directory.
const (
	PointsCSV       = "points.csv"
	ParetoCSV       = "pareto.csv"
	SummaryFile     = "summary.txt"
	PlotAccVsEnergy = "accuracy_vs_energy.png"
	PlotEnergyVsLat = "energy_vs_latency.png"
	// The same plots as SVG, for papers and for zooming.
	PlotAccVsEnergySVG = "accuracy_vs_energy.svg"
	PlotEnergyVsLatSVG = "energy_vs_latency.svg"
)

// ErrNoPointMeetsConstraints is returned (wrapped, with the details) by
// WriteOutputs when no evaluated point meets every constraint.
var ErrNoPointMeetsConstraints = errors.New("no point meets the constraints")

// WriteOutputs writes points.csv (every point, every metric),
// pareto.csv (the front), summary.txt and the two plots (PNG and SVG) into dir, and
// returns the summary text. results must be sorted by index (as Explore
// and MergeShards return them); every file depends only on them, the
// space's parameters, objectives and constraints. When no point meets the
// constraints, the files are still written and the error wraps
// ErrNoPointMeetsConstraints.
func WriteOutputs(dir string, s *Space, results []Result) (string, error) {
	front := ParetoFront(results, s.Objectives, s.Constraints)
	onFront := make([]bool, len(results))
	for _, i := range front {
		onFront[i] = true
	}
	all := make([]int, len(results))
	for i := range all {
		all[i] = i
	}
	if err := writeFileAtomic(filepath.Join(dir, PointsCSV), resultsCSV(s, results, all, onFront)); err != nil {
		return "", err
	}
	ordered := sortFront(results, front, s.Objectives)
	if err := writeFileAtomic(filepath.Join(dir, ParetoCSV), resultsCSV(s, results, ordered, onFront)); err != nil {
		return "", err
	}
	summary, meetErr := summarize(s, results, ordered)
	if err := writeFileAtomic(filepath.Join(dir, SummaryFile), []byte(summary)); err != nil {
		return "", err
	}
	if err := writePlots(dir, s, results, onFront); err != nil {
		return "", err
	}
	return summary, meetErr
}

// resultsCSV renders the rows at positions rows: index, key, parameter
// values, feasibility, constraint and front flags, the reason a point is
// infeasible, then every metric (empty for infeasible points).
func resultsCSV(s *Space, results []Result, rows []int, onFront []bool) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := []string{"index", "key"}
	for _, p := range s.Params {
		head = append(head, p.Name)
	}
	head = append(head, "feasible", "meets_constraints", "pareto", "reason")
	head = append(head, MetricNames()...)
	_ = w.Write(head) // writes to a bytes.Buffer cannot fail
	for _, i := range rows {
		r := &results[i]
		row := []string{strconv.FormatInt(r.Index, 10), r.Key}
		for _, p := range s.Params {
			row = append(row, r.Params[p.Name])
		}
		row = append(row, strconv.FormatBool(r.Feasible), strconv.FormatBool(MeetsConstraints(r, s.Constraints)),
			strconv.FormatBool(onFront[i]), r.Reason)
		for _, name := range MetricNames() {
			if !r.Feasible || !s.applies(findMetric(name)) {
				row = append(row, "") // no value, or a metric this workload does not have
				continue
			}
			v, _ := r.Metrics.Metric(name)
			row = append(row, strconv.FormatFloat(v, 'g', -1, 64))
		}
		_ = w.Write(row)
	}
	w.Flush()
	return buf.Bytes()
}

// summarize writes the text summary: counts, then the front as a table of
// the varied parameters and the objective and constraint metrics.
func summarize(s *Space, results []Result, front []int) (string, error) {
	var b strings.Builder
	feasible, meets := 0, 0
	var firstReason string
	for i := range results {
		if results[i].Feasible {
			feasible++
		} else if firstReason == "" {
			firstReason = results[i].Reason
		}
		if MeetsConstraints(&results[i], s.Constraints) {
			meets++
		}
	}
	fmt.Fprintf(&b, "design-space exploration of %s (%d samples), strategy %s, %d of %d grid points evaluated\n",
		s.Base.Workload, s.Base.Samples, s.Strategy.Kind, len(results), s.Size())
	fmt.Fprintf(&b, "objectives   %s\n", joinStrings(s.Objectives))
	if len(s.Constraints) > 0 {
		fmt.Fprintf(&b, "constraints  %s\n", joinStrings(s.Constraints))
	}
	fmt.Fprintf(&b, "feasible     %d of %d points map onto their chip", feasible, len(results))
	if feasible < len(results) {
		fmt.Fprintf(&b, " (e.g. %s)", firstReason)
	}
	b.WriteString("\n")
	if len(s.Constraints) > 0 {
		fmt.Fprintf(&b, "constraints  met by %d of %d feasible points\n", meets, feasible)
	}
	var err error
	if len(front) == 0 {
		msg := noFrontReason(s, results, feasible)
		fmt.Fprintf(&b, "\nno Pareto front: %s\n", msg)
		err = fmt.Errorf("explore: %w: %s", ErrNoPointMeetsConstraints, msg)
		return b.String(), err
	}
	fmt.Fprintf(&b, "\nPareto front: %d points\n\n", len(front))
	metrics := make([]string, 0, len(s.Objectives)+len(s.Constraints))
	for _, o := range s.Objectives {
		metrics = append(metrics, o.Metric)
	}
	for _, c := range s.Constraints {
		if !slices.Contains(metrics, c.Metric) {
			metrics = append(metrics, c.Metric)
		}
	}
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"index"}
	for _, p := range s.Params {
		if len(p.Values) > 1 {
			head = append(head, p.Name)
		}
	}
	for _, m := range metrics {
		h := m
		if u := MetricUnit(m); u != "" && !strings.HasSuffix(m, "_"+unitSuffix(u)) {
			h += " (" + u + ")"
		}
		head = append(head, h)
	}
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	for _, i := range front {
		r := &results[i]
		row := []string{strconv.FormatInt(r.Index, 10)}
		for _, p := range s.Params {
			if len(p.Values) > 1 {
				row = append(row, r.Params[p.Name])
			}
		}
		for _, m := range metrics {
			v, _ := r.Metrics.Metric(m)
			row = append(row, formatMetric(v))
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
	return b.String(), err
}

// noFrontReason explains an empty front: nothing maps, or each
// constraint's count of points meeting it and the best value reached.
func noFrontReason(s *Space, results []Result, feasible int) string {
	if feasible == 0 {
		return fmt.Sprintf("none of the %d points maps onto its chip", len(results))
	}
	var parts []string
	for _, c := range s.Constraints {
		met := 0
		best := math.NaN()
		for i := range results {
			r := &results[i]
			if !r.Feasible {
				continue
			}
			v, _ := r.Metrics.Metric(c.Metric)
			if c.Holds(v) {
				met++
			}
			if math.IsNaN(best) || (c.Op.lowerBound() && v > best) || (!c.Op.lowerBound() && v < best) {
				best = v
			}
		}
		parts = append(parts, fmt.Sprintf("%s is met by %d of %d feasible points (best %s %s)", c, met, feasible, c.Metric, formatMetric(best)))
	}
	return "no point meets the constraints: " + strings.Join(parts, "; ")
}

// unitSuffix is how a metric name ends when it already carries its unit:
// energy_uj for µJ, accuracy_pct for %.
func unitSuffix(unit string) string {
	if unit == "%" {
		return "pct"
	}
	return strings.ToLower(strings.ReplaceAll(unit, "µ", "u"))
}

func formatMetric(v float64) string {
	a := math.Abs(v)
	switch {
	case v == math.Trunc(v) && a < 1e9:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 1:
		return strconv.FormatFloat(v, 'f', 3, 64)
	default:
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}

func joinStrings[T fmt.Stringer](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}
