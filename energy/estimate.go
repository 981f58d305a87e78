package energy

import (
	"fmt"
	"math"
)

const pJPerMilliJoule = 1e9 // mW x s = mJ

// Breakdown is an energy estimate in pJ. The five group fields (Synaptic,
// Neuron, Spike, Mesh, Static) partition the total, and each group is the sum
// of its finer fields:
//
//	SynapticPJ = SynOpsPJ + SynMACsPJ + SynMemPJ
//	NeuronPJ   = NeuronActivePJ + NeuronIdlePJ
//	MeshPJ     = PacketsPJ + HostPacketsPJ + HopsXPJ + HopsYPJ + OffChipHopsPJ + BarriersPJ
//	TotalPJ    = SynapticPJ + NeuronPJ + SpikePJ + MeshPJ + StaticPJ
//
// Each sum is evaluated left to right exactly as written, so the equalities
// hold bit for bit.
type Breakdown struct {
	SynapticPJ float64 // synaptic ops + MACs + synaptic memory reads
	NeuronPJ   float64 // active + idle neuron updates
	SpikePJ    float64 // spikes generated
	MeshPJ     float64 // packets + host packets + hops + off-chip hops + barriers
	StaticPJ   float64 // leakage over the simulated time
	TotalPJ    float64

	SynOpsPJ       float64 // synaptic events, each priced by its row format (dense, conv, sparse)
	SynMACsPJ      float64 // Counts.SynapticMACs x Model.SynapticMACPJ
	SynMemPJ       float64 // Counts.SynMemReadBits x Model.SynMemReadBitPJ
	NeuronActivePJ float64 // Counts.NeuronUpdates x Model.NeuronUpdatePJ
	NeuronIdlePJ   float64 // Counts.NeuronIdle x Model.NeuronIdlePJ
	PacketsPJ      float64 // Counts.Packets x Model.PacketPJ
	HostPacketsPJ  float64 // Counts.HostPackets x Model.HostPacketPJ
	HopsXPJ        float64 // Counts.HopsX x Model.HopXPJ
	HopsYPJ        float64 // Counts.HopsY x Model.HopYPJ
	OffChipHopsPJ  float64 // Counts.OffChipHops x Model.OffChipHopPJ
	BarriersPJ     float64 // Counts.Barriers x Model.BarrierPJ
}

// Estimate applies m to counts c collected over seconds of simulated chip
// time with cores cores powered. Dynamic energy is count x cost per event;
// static energy is (StaticPerCoreMW x cores + StaticPerChipMW) x seconds.
// Estimate does not check its inputs: with a valid model, seconds >= 0 and
// cores >= 0 every field is finite and >= 0 (use EstimateChecked when the
// inputs come from a user).
func (m Model) Estimate(c Counts, seconds float64, cores int) Breakdown {
	var b Breakdown
	// Conv and sparse events are a subset of SynapticOps; the rest are dense.
	dense := c.SynapticOps - min(c.SynapticOps, c.SynapticOpsConv+c.SynapticOpsSparse)
	b.SynOpsPJ = float64(dense)*m.SynapticOpPJ + float64(c.SynapticOpsConv)*m.SynapticOpConvPJ + float64(c.SynapticOpsSparse)*m.SynapticOpSparsePJ
	b.SynMACsPJ = float64(c.SynapticMACs) * m.SynapticMACPJ
	b.SynMemPJ = float64(c.SynMemReadBits) * m.SynMemReadBitPJ
	b.NeuronActivePJ = float64(c.NeuronUpdates) * m.NeuronUpdatePJ
	b.NeuronIdlePJ = float64(c.NeuronIdle) * m.NeuronIdlePJ
	b.SpikePJ = float64(c.Spikes) * m.SpikePJ
	b.PacketsPJ = float64(c.Packets) * m.PacketPJ
	b.HostPacketsPJ = float64(c.HostPackets) * m.HostPacketPJ
	b.HopsXPJ = float64(c.HopsX) * m.HopXPJ
	b.HopsYPJ = float64(c.HopsY) * m.HopYPJ
	b.OffChipHopsPJ = float64(c.OffChipHops) * m.OffChipHopPJ
	b.BarriersPJ = float64(c.Barriers) * m.BarrierPJ
	b.StaticPJ = (m.StaticPerCoreMW*float64(cores) + m.StaticPerChipMW) * seconds * pJPerMilliJoule

	b.SynapticPJ = b.SynOpsPJ + b.SynMACsPJ + b.SynMemPJ
	b.NeuronPJ = b.NeuronActivePJ + b.NeuronIdlePJ
	b.MeshPJ = b.PacketsPJ + b.HostPacketsPJ + b.HopsXPJ + b.HopsYPJ + b.OffChipHopsPJ + b.BarriersPJ
	b.TotalPJ = b.SynapticPJ + b.NeuronPJ + b.SpikePJ + b.MeshPJ + b.StaticPJ
	return b
}

// EstimateChecked is Estimate after checking that m is valid, seconds is
// finite and >= 0, and cores >= 0.
func (m Model) EstimateChecked(c Counts, seconds float64, cores int) (Breakdown, error) {
	if err := m.Validate(); err != nil {
		return Breakdown{}, err
	}
	if math.IsNaN(seconds) || math.IsInf(seconds, 0) || seconds < 0 {
		return Breakdown{}, fmt.Errorf("energy: seconds (%v) must be finite and >= 0", seconds)
	}
	if cores < 0 {
		return Breakdown{}, fmt.Errorf("energy: cores (%d) must be >= 0", cores)
	}
	return m.Estimate(c, seconds, cores), nil
}

// Component is one fine-grained part of a Breakdown.
type Component struct {
	Group string  // synaptic, neuron, spike, mesh or static
	Name  string  // e.g. syn_ops, hops_x
	PJ    float64 // energy
}

// Components lists the fine-grained parts of b in a fixed order (grouped as
// in Breakdown), for tables and CSV output. Their sum, taken in this order,
// is not guaranteed to equal TotalPJ bit for bit; the group fields are.
func (b Breakdown) Components() []Component {
	return []Component{
		{"synaptic", "syn_ops", b.SynOpsPJ},
		{"synaptic", "syn_macs", b.SynMACsPJ},
		{"synaptic", "syn_mem", b.SynMemPJ},
		{"neuron", "neuron_active", b.NeuronActivePJ},
		{"neuron", "neuron_idle", b.NeuronIdlePJ},
		{"spike", "spikes", b.SpikePJ},
		{"mesh", "packets", b.PacketsPJ},
		{"mesh", "host_packets", b.HostPacketsPJ},
		{"mesh", "hops_x", b.HopsXPJ},
		{"mesh", "hops_y", b.HopsYPJ},
		{"mesh", "off_chip_hops", b.OffChipHopsPJ},
		{"mesh", "barriers", b.BarriersPJ},
		{"static", "static", b.StaticPJ},
	}
}

// ANNEnergyPJ is the paper-style energy of a non-spiking network that
// performs macs multiply-accumulates: E_MAC x MACs (Model.MACPJ).
func (m Model) ANNEnergyPJ(macs uint64) float64 {
	return float64(macs) * m.MACPJ
}

// SNNPaperEnergyPJ is the paper-style energy of a spiking network:
// E_AC x ACs + E_MAC x MACs, where acs are synaptic operations driven by
// binary spikes and macs are the multiply-accumulates of graded inputs
// (the first layer when the input is direct-encoded). It ignores memory,
// neurons, routing and leakage; compare it with Estimate to see how much.
func (m Model) SNNPaperEnergyPJ(acs, macs uint64) float64 {
	return float64(acs)*m.ACPJ + float64(macs)*m.MACPJ
}
