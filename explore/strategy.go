package explore

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
)

// StrategyKind is how a sweep picks its points. Its text form, in space
// files, is grid, random or nsga2.
type StrategyKind uint8

const (
	StrategyGrid   StrategyKind = iota // every point of the grid
	StrategyRandom                     // Points distinct points drawn uniformly
	StrategyNSGA2                      // an NSGA-II search (nsga2.go)
)

var strategyText = [...]string{StrategyGrid: "grid", StrategyRandom: "random", StrategyNSGA2: "nsga2"}

func (k StrategyKind) String() string {
	if int(k) < len(strategyText) {
		return strategyText[k]
	}
	return fmt.Sprintf("StrategyKind(%d)", uint8(k))
}

// MarshalText writes grid, random or nsga2.
func (k StrategyKind) MarshalText() ([]byte, error) {
	if int(k) >= len(strategyText) {
		return nil, fmt.Errorf("explore: strategy kind %d is not one of %s", uint8(k), strings.Join(strategyText[:], ", "))
	}
	return []byte(strategyText[k]), nil
}

// UnmarshalText reads grid, random or nsga2, and names them all otherwise.
func (k *StrategyKind) UnmarshalText(b []byte) error {
	for i, t := range strategyText {
		if string(b) == t {
			*k = StrategyKind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown kind %q (known: %s)", b, strings.Join(strategyText[:], ", "))
}

// Strategy says which points of the space to evaluate.
type Strategy struct {
	Kind        StrategyKind
	Seed        uint64  // random and nsga2 draws
	Points      int     // random: points to draw (without repeats)
	Population  int     // nsga2: population size
	Generations int     // nsga2: generations after the initial population
	Crossover   float64 // nsga2: probability that two parents are crossed
	Mutation    float64 // nsga2: probability that one gene mutates; 0 means 1/parameters
}

func parseStrategy(f *strategyFile, s *Space) error {
	st := Strategy{Seed: 1, Points: f.Points, Population: f.Population,
		Generations: f.Generations, Crossover: f.Crossover, Mutation: f.Mutation}
	if f.Seed != nil {
		st.Seed = *f.Seed
	}
	var errs []error
	size, sizeErr := s.size()
	if f.Kind != "" { // no kind: grid
		if err := st.Kind.UnmarshalText([]byte(f.Kind)); err != nil {
			return errors.Join(fmt.Errorf("strategy: %w", err), sizeErr)
		}
	}
	switch st.Kind {
	case StrategyGrid:
		if sizeErr == nil && size > maxGridPoints {
			errs = append(errs, fmt.Errorf("strategy grid: the space has %d points, more than %d; use kind random or nsga2", size, maxGridPoints))
		}
	case StrategyRandom:
		if st.Points < 1 || st.Points > maxEvaluations {
			errs = append(errs, fmt.Errorf("strategy random: points is %d, must be in 1..%d", st.Points, maxEvaluations))
		}
	case StrategyNSGA2:
		if st.Population == 0 {
			st.Population = 16
		}
		if st.Generations == 0 {
			st.Generations = 8
		}
		if st.Crossover == 0 {
			st.Crossover = 0.9
		}
		if st.Population < 2 {
			errs = append(errs, fmt.Errorf("strategy nsga2: population is %d, must be >= 2", st.Population))
		}
		if st.Population > maxPopulation {
			errs = append(errs, fmt.Errorf("strategy nsga2: population is %d, must be at most %d", st.Population, maxPopulation))
		}
		if st.Generations < 0 {
			errs = append(errs, fmt.Errorf("strategy nsga2: generations is %d, must be >= 0", st.Generations))
		}
		// population × (generations + 1) > maxEvaluations, without overflow.
		if st.Population >= 2 && st.Population <= maxPopulation && st.Generations >= maxEvaluations/st.Population {
			errs = append(errs, fmt.Errorf("strategy nsga2: population %d × (generations %d + 1) evaluations is more than %d; lower generations or population",
				st.Population, st.Generations, maxEvaluations))
		}
		if !(st.Crossover >= 0 && st.Crossover <= 1) {
			errs = append(errs, fmt.Errorf("strategy nsga2: crossover is %g, must be in [0, 1]", st.Crossover))
		}
		if !(st.Mutation >= 0 && st.Mutation <= 1) {
			errs = append(errs, fmt.Errorf("strategy nsga2: mutation is %g, must be in [0, 1]", st.Mutation))
		}
	}
	if st.Kind != StrategyRandom && f.Points != 0 {
		errs = append(errs, fmt.Errorf("strategy %s: points applies only to kind random", st.Kind))
	}
	if st.Kind != StrategyNSGA2 && (f.Population != 0 || f.Generations != 0 || f.Crossover != 0 || f.Mutation != 0) {
		errs = append(errs, fmt.Errorf("strategy %s: population, generations, crossover and mutation apply only to kind nsga2", st.Kind))
	}
	if sizeErr != nil {
		errs = append(errs, sizeErr)
	}
	s.Strategy = st
	return errors.Join(errs...)
}
