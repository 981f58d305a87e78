package spikemesh

import "github.com/spikemesh/spikemesh/report"

// The report's types live in package report, which also renders them;
// these aliases keep them under the facade that produces them.
type (
	Report          = report.Report
	Provenance      = report.Provenance
	WorkloadInfo    = report.WorkloadInfo
	ChipInfo        = report.ChipInfo
	LayerMap        = report.LayerMap
	Run             = report.Run
	LayerStat       = report.LayerStat
	Timing          = report.Timing
	EnergyParts     = report.EnergyParts
	Energy          = report.Energy
	EnergyComponent = report.EnergyComponent
	LayerEnergy     = report.LayerEnergy
	CoreEnergy      = report.CoreEnergy
	NeuroBench      = report.NeuroBench
	SynOps          = report.SynOps
	ExactReport     = report.ExactReport
	SplitReport     = report.SplitReport
	SplitLayer      = report.SplitLayer
)
