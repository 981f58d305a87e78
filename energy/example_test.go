package energy_test

import (
	"fmt"
	"strings"

	"github.com/spikemesh/spikemesh/energy"
)

// Price the events of a short run with the Loihi preset and put the
// paper-style figures next to it.
func Example() {
	m, err := energy.Preset("loihi")
	if err != nil {
		fmt.Println(err)
		return
	}
	c := energy.Counts{
		SynapticOps:   1000, // x 23.6 pJ
		NeuronUpdates: 100,  // x 81 pJ
		NeuronIdle:    900,  // x 52 pJ
		Spikes:        50,   // x 1.7 pJ
		HopsX:         120,  // x 3.0 pJ
		HopsY:         40,   // x 4.0 pJ
		Barriers:      10,   // not priced by this preset
	}
	b := m.Estimate(c, 10e-6, 4) // 10 timesteps of 1 us, 4 cores powered
	fmt.Printf("synaptic %8.1f pJ\n", b.SynapticPJ)
	fmt.Printf("neuron   %8.1f pJ\n", b.NeuronPJ)
	fmt.Printf("spike    %8.1f pJ\n", b.SpikePJ)
	fmt.Printf("mesh     %8.1f pJ\n", b.MeshPJ)
	fmt.Printf("static   %8.1f pJ (29 mW x 10 us)\n", b.StaticPJ)
	fmt.Printf("total    %8.1f pJ\n", b.TotalPJ)
	fmt.Printf("paper-style SNN (1000 ACs): %.1f pJ\n", m.SNNPaperEnergyPJ(c.SynapticOps, 0))
	fmt.Printf("paper-style ANN (5000 MACs): %.1f pJ\n", m.ANNEnergyPJ(5000))
	// Output:
	// synaptic  23600.0 pJ
	// neuron    54900.0 pJ
	// spike        85.0 pJ
	// mesh        520.0 pJ
	// static   290000.0 pJ (29 mW x 10 us)
	// total    369105.0 pJ
	// paper-style SNN (1000 ACs): 900.0 pJ
	// paper-style ANN (5000 MACs): 23000.0 pJ
}

// Models are plain YAML; every cost carries its unit.
func ExampleLoad() {
	const y = `
name: my-chip
synaptic_op: 5 pJ
synaptic_op_conv: 5 pJ
synaptic_op_sparse: 5 pJ
synaptic_mac: 20 pJ
syn_mem_read_bit: 50 fJ
neuron_update: 10 pJ
neuron_idle: 1 pJ
spike: 2 pJ
packet: 4 pJ
host_packet: 0.1 nJ
hop_x: 1 pJ
hop_y: 1 pJ
off_chip_hop: 20 pJ
barrier: 0 pJ
static_per_core: 200 uW
static_per_chip: 1.5 mW
paper_mac: 4.6 pJ
paper_ac: 0.9 pJ
`
	m, err := energy.Load(strings.NewReader(y))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.SynMemReadBitPJ, "pJ per bit,", m.HostPacketPJ, "pJ per host packet,", m.StaticPerCoreMW, "mW per core")

	_, err = energy.Load(strings.NewReader(strings.Replace(y, "spike: 2 pJ", "spike: 2", 1)))
	fmt.Println(err)
	// Output:
	// 0.05 pJ per bit, 100 pJ per host packet, 0.2 mW per core
	// energy: invalid model:
	// line 10: spike: "2" has no unit; expected an energy such as "23.6 pJ" (units: fJ, pJ, nJ, uJ (or µJ), mJ, J)
}

// Resolve the chip-dependent costs of the generic 45 nm model for a core
// with 128 KB of synaptic memory and 4-bit weights, then see how the
// estimate moves when one cost is overridden.
func ExampleModel_ForChip() {
	m, err := energy.Preset("generic-45nm")
	if err != nil {
		fmt.Println(err)
		return
	}
	r, err := m.ForChip(4, 128<<10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("per bit read: %.4g pJ (8 KB reference %.4g pJ)\n", r.SynMemReadBitPJ, m.SynMemReadBitPJ)
	fmt.Printf("graded-input MAC: %.3g pJ (8-bit reference %.3g pJ)\n", r.SynapticMACPJ, m.SynapticMACPJ)

	c := energy.Counts{SynapticOps: 1000, SynMemReadBits: 1000 * 4}
	base := r.Estimate(c, 0, 1).TotalPJ
	hi, err := r.Override("synop=30pJ")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("total %.4g pJ; with synop=30pJ %.4g pJ\n", base, hi.Estimate(c, 0, 1).TotalPJ)
	// Output:
	// per bit read: 0.625 pJ (8 KB reference 0.1562 pJ)
	// graded-input MAC: 0.2 pJ (8-bit reference 0.3 pJ)
	// total 2600 pJ; with synop=30pJ 3.25e+04 pJ
}
