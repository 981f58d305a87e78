package sanafe

import "fmt"

// UnitModel is the model attribute of an architecture's hardware unit,
// parsed once as the file is read.
type UnitModel uint8

// The unit models spikemesh acts on; every other SANA-FE model
// (truenorth, stochastic_leaky_integrate_fire and hodgkin_huxley somas,
// multi-tap dendrites, plugins) is UnitOther, kept by name in
// Unit.ModelName for messages and refused where a network would need it.
const (
	UnitDefault      UnitModel = iota // no model attribute: SANA-FE's default for the kind
	UnitLIF                           // leaky_integrate_fire soma
	UnitInput                         // input soma (input neurons' spike trains)
	UnitCurrentBased                  // current_based synapse
	UnitAccumulator                   // accumulator dendrite
	UnitOther                         // another SANA-FE or plugin model
)

// unitModels are the names of the models above, with the kind of unit
// each belongs to.
var unitModels = []struct {
	m          UnitModel
	name, kind string
}{
	{UnitLIF, "leaky_integrate_fire", "soma"},
	{UnitInput, "input", "soma"},
	{UnitCurrentBased, "current_based", "synapse"},
	{UnitAccumulator, "accumulator", "dendrite"},
}

// String is the model's name in SANA-FE's files ("other" for UnitOther,
// whose name is in Unit.ModelName; "default" for none given).
func (m UnitModel) String() string {
	for _, u := range unitModels {
		if u.m == m {
			return u.name
		}
	}
	if m == UnitOther {
		return "other"
	}
	return "default"
}

// parseUnitModel reads the model attribute name of a unit of kind (soma,
// synapse, dendrite, axon_in, axon_out). A model spikemesh knows on a
// unit of another kind, or something that is not a model name, is an
// error; another well-formed name is UnitOther.
func parseUnitModel(kind, name string) (UnitModel, error) {
	for _, u := range unitModels {
		if u.name == name {
			if u.kind != kind {
				return 0, fmt.Errorf("%s is a %s model, not a %s one", name, u.kind, kind)
			}
			return u.m, nil
		}
	}
	if !nameLike.MatchString(name) {
		return 0, fmt.Errorf("expected a model name (letters, digits, _ . -)")
	}
	return UnitOther, nil
}
