package explore

import (
	_ "embed"
	"errors"
	"fmt"
)

// Strategy kinds.
const (
	StrategyGrid   = "grid"
	StrategyRandom = "random"
	StrategyNSGA2  = "nsga2"
)

// Strategy says which points of the space to evaluate.
type Strategy struct {
	Kind        string  // grid, random or nsga2
	Seed        uint64  // random and nsga2 draws
	Points      int     // random: points to draw (without repeats)
	Population  int     // nsga2: population size
	Generations int     // nsga2: generations after the initial population
	Crossover   float64 // nsga2: probability that two parents are crossed
	Mutation    float64 // nsga2: probability that one gene mutates; 0 means 1/parameters
}

func parseStrategy(f *strategyFile, s *Space) error {
	st := Strategy{Kind: f.Kind, Seed: 1, Points: f.Points, Population: f.Population,
		Generations: f.Generations, Crossover: f.Crossover, Mutation: f.Mutation}
	if f.Seed != nil {
		st.Seed = *f.Seed
	}
	if st.Kind == "" {
		st.Kind = StrategyGrid
	}
	var errs []error
	size, sizeErr := s.size()
	switch st.Kind {
	case StrategyGrid:
		if sizeErr == nil && size > maxGridPoints {
			errs = append(errs, fmt.Errorf("strategy grid: the space has %d points, more than %d; use kind random or nsga2", size, maxGridPoints))
		}
	case StrategyRandom:
		if st.Points < 1 {
			errs = append(errs, fmt.Errorf("strategy random: points is %d, must be >= 1", st.Points))
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
		if st.Generations < 0 {
			errs = append(errs, fmt.Errorf("strategy nsga2: generations is %d, must be >= 0", st.Generations))
		}
		if !(st.Crossover >= 0 && st.Crossover <= 1) {
			errs = append(errs, fmt.Errorf("strategy nsga2: crossover is %g, must be in [0, 1]", st.Crossover))
		}
		if !(st.Mutation >= 0 && st.Mutation <= 1) {
			errs = append(errs, fmt.Errorf("strategy nsga2: mutation is %g, must be in [0, 1]", st.Mutation))
		}
	default:
		errs = append(errs, fmt.Errorf("strategy: unknown kind %q (known: grid, random, nsga2)", st.Kind))
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
