package sanafe

import (
	"errors"
	"fmt"
)

// maxListedErrors is how many problems Lower and Pins list before
// summing up the rest ("... and N more"): enough to show every kind of
// problem a file usually has at once, few enough that a file with one
// bad value per neuron (a DVS input layer has 1,024) gives a readable
// message rather than a hundred kilobytes.
const maxListedErrors = 20

// joinErrors joins errs, one per line, listing at most maxListedErrors
// and counting the others.
func joinErrors(errs []error) error {
	if len(errs) <= maxListedErrors {
		return errors.Join(errs...)
	}
	shown := append(errs[:maxListedErrors:maxListedErrors], fmt.Errorf("sanafe: ... and %d more problems", len(errs)-maxListedErrors))
	return errors.Join(shown...)
}

// loc is a location for a message: "file:line", or "file" alone for what
// has no line (a network built from an .npz, such as DVSTutorial's).
func loc(file string, line int) string {
	if line <= 0 {
		return file
	}
	return fmt.Sprintf("%s:%d", file, line)
}
