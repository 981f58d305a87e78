package bench

import "fmt"

// PeerNetwork selects which peer benchmark network `spikemesh bench`
// runs. It implements the flag Value interface (String, Set, Type) of
// github.com/spf13/pflag, so a command line gives it by name.
type PeerNetwork uint8

const (
	// PeerMLP is the converted MLP of ../shared/peers/mlp.py (Run).
	PeerMLP PeerNetwork = iota
	// PeerCUBA is Brian2's recurrent CUBA network of
	// ../shared/peers/cuba.py (RunCuba).
	PeerCUBA
)

var peerNames = [...]string{PeerMLP: "mlp", PeerCUBA: "cuba"}

// String returns the network's name.
func (p PeerNetwork) String() string {
	if int(p) < len(peerNames) {
		return peerNames[p]
	}
	return fmt.Sprintf("PeerNetwork(%d)", uint8(p))
}

// Set parses a name ("mlp" or "cuba").
func (p *PeerNetwork) Set(s string) error {
	for i, n := range peerNames {
		if s == n {
			*p = PeerNetwork(i)
			return nil
		}
	}
	return fmt.Errorf("unknown network %q; valid: mlp, cuba", s)
}

// Type names the flag's value type in help text.
func (p *PeerNetwork) Type() string { return "network" }
